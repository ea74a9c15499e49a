"""The ninja API as a whole: the generated OpenAPI schema and docs page, one error shape, listing."""

from __future__ import annotations

import json

import pytest

from tests.webapp.stored import bearer, stored_photo

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("/api/photos/", "post"),
    ("/api/photos/", "get"),
    ("/api/photos/{photo_id}/", "get"),
    ("/api/photos/{photo_id}/", "patch"),
    ("/api/photos/{photo_id}/", "delete"),
    ("/api/search/", "get"),
    ("/api/export/", "get"),
    ("/api/tokens/", "get"),
    ("/api/tokens/", "post"),
    ("/api/tokens/{token_id}/", "get"),
    ("/api/tokens/{token_id}/", "delete"),
    ("/api/webhook/", "get"),
    ("/api/webhook/", "put"),
    ("/api/webhook/", "delete"),
}


def test_openapi_schema_is_served_and_covers_every_endpoint(client) -> None:  # noqa: ANN001
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    spec = response.json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "Alt Text Studio API"
    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert operations == ENDPOINTS
    assert spec["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert "401" in op["responses"], (path, method)  # every call needs a token
            assert op["summary"], (path, method)
    upload = spec["paths"]["/api/photos/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"] and "202" in upload["responses"]
    review = spec["paths"]["/api/photos/{photo_id}/"]["patch"]["requestBody"]["content"]["application/json"]
    assert set(review["schema"]["properties"]) == {"alt_text", "accept", "decorative"}
    exported = spec["paths"]["/api/export/"]["get"]["responses"]["200"]["content"]
    assert set(exported) == {"application/json", "text/csv", "text/html"}


def test_docs_page_lists_every_endpoint(client) -> None:  # noqa: ANN001
    response = client.get("/api/docs")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert html.count("<h1") == 1 and 'href="/api/openapi.json"' in html
    for path, method in ENDPOINTS:
        assert f"{method.upper()} {path}" in html


def test_errors_share_one_json_shape(client, token) -> None:  # noqa: ANN001
    unauthorised = client.get("/api/photos/")
    assert unauthorised.status_code == 401 and unauthorised["WWW-Authenticate"] == "Bearer"
    assert unauthorised.json() == {
        "error": "Send a valid API token: 'Authorization: Bearer <token>'.",
        "code": "unauthorized",
    }
    missing = client.get("/api/photos/987654/", **bearer(token))
    assert missing.status_code == 404 and missing.json() == {"error": "No such photo.", "code": "not_found"}
    invalid = client.get("/api/photos/", {"limit": "0"}, **bearer(token))
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid"
    assert "limit" in invalid.json()["error"] and invalid.json()["detail"][0]["loc"] == ["query", "limit"]
    not_allowed = client.put("/api/photos/", **bearer(token))
    assert not_allowed.status_code == 405 and not_allowed.json()["code"] == "method_not_allowed"
    assert set(not_allowed["Allow"].split(", ")) == {"GET", "POST"}
    too_big = client.get("/api/photos/99999999999999999999/", **bearer(token))
    assert too_big.status_code == 400 and too_big.json()["code"] == "invalid"
    unknown = client.get("/api/nothing-here/", **bearer(token))
    assert unknown.status_code == 404 and "error" in unknown.json()


def test_patch_body_errors(client, user, token) -> None:  # noqa: ANN001
    photo = stored_photo(user, "dogs.jpg")
    url = f"/api/photos/{photo.pk}/"
    for body, code in [("not json", "bad_request"), ('{"accept": "yes"}', "invalid"), ('{"accept": false}', "invalid")]:
        response = client.patch(url, body, content_type="application/json", **bearer(token))
        assert response.status_code == 400 and response.json()["code"] == code, body
    accepted = client.patch(url, json.dumps({"accept": True}), content_type="application/json", **bearer(token))
    assert accepted.status_code == 200 and accepted.json()["accepted_alt_text"] == photo.suggested_alt
    assert accepted.json()["alt_source"] == "accepted"


def test_list_filters_and_pages(client, user, token) -> None:  # noqa: ANN001
    photos = [stored_photo(user, f"p{i}.jpg") for i in range(3)]
    ids = [p["id"] for p in client.get("/api/photos/", **bearer(token)).json()["photos"]]
    assert ids == [p.pk for p in reversed(photos)]  # newest first
    page = client.get("/api/photos/", {"limit": 1, "offset": 1}, **bearer(token)).json()["photos"]
    assert [p["id"] for p in page] == [photos[1].pk]
    assert client.get("/api/photos/", {"status": "queued"}, **bearer(token)).json() == {"photos": []}
    assert len(client.get("/api/photos/", {"status": "done"}, **bearer(token)).json()["photos"]) == 3


def test_search_answers_with_and_without_slash(client, user, token, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    # (on commit: the photo_described signal updates the search index)
    stored_photo(user, "dogs.jpg", ("dog", "dog"), capture=django_capture_on_commit_callbacks)
    for path in ("/api/search/", "/api/search"):
        body = client.get(path, {"q": "dog"}, **bearer(token)).json()
        assert set(body) == {"query", "explanation", "total", "page", "pages", "results", "notes", "did_you_mean"}
        assert body["total"] == 1 and body["results"][0]["file"] == "dogs.jpg"
    assert client.get("/api/search/", {"q": " "}, **bearer(token)).status_code == 400


def test_a_locked_database_is_a_json_503_with_retry_after(client, token, settings, monkeypatch) -> None:  # noqa: ANN001
    """SQLite's "database is locked" past its busy timeout: the client is told to retry, in the
    API's one error shape, never a 500."""
    from django.db import OperationalError

    from webapp.photos.models import Photo

    settings.DEBUG = False

    def locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OperationalError("database is locked")

    monkeypatch.setattr(Photo.objects, "filter", locked)
    response = client.get("/api/photos/", **bearer(token))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "busy" and "try again" in response.json()["error"].lower()
