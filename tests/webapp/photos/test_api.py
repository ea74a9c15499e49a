from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.accounts.models import ApiToken
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db
LIST = "/api/photos/"


def api_photo_url(photo_id: int) -> str:
    return f"/api/photos/{photo_id}/"


@pytest.fixture
def token(user):
    return ApiToken.issue(user, "test")[1]


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_requires_a_valid_token(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(LIST, **extra)
    assert response.status_code == 401
    assert response.json()["error"].startswith("Send a valid API token")


def test_session_alone_is_not_enough(logged_in):
    assert logged_in.get(LIST).status_code == 401


def test_upload_read_and_review(client, token, processing):
    bad = SimpleUploadedFile("x.gif", b"GIF89a broken", content_type="image/gif")
    with processing():
        response = client.post(LIST, {"image": [upload_file(BUS_PHOTO), bad]}, **auth(token))
    assert response.status_code == 202
    body = response.json()
    assert [p["file"] for p in body["photos"]] == [BUS_PHOTO.name]
    assert body["rejected"][0]["file"] == "x.gif" and body["rejected"][0]["error"]
    photo_url = api_photo_url(body["photos"][0]["id"])

    data = client.get(photo_url, **auth(token)).json()
    assert data["status"] == "done"
    assert "bus" in data["alt_text"].lower()
    assert data["long_description"]
    assert data["accepted_alt_text"] is None
    bus = next(o for o in data["objects"] if o["label"] == "bus")
    assert set(bus) >= {"label", "score", "box", "area_fraction", "position"}

    response = client.patch(
        photo_url, json.dumps({"alt_text": "A green bus"}), content_type="application/json", **auth(token)
    )
    assert response.status_code == 200
    assert response.json()["accepted_alt_text"] == "A green bus"
    assert response.json()["alt_source"] == "edited"
    response = client.patch(photo_url, json.dumps({"decorative": True}), content_type="application/json", **auth(token))
    assert response.json()["decorative"] is True and response.json()["accepted_alt_text"] == ""


@pytest.mark.parametrize("body", ["not json", "[]", "{}", '{"alt_text": ""}', '{"alt_text": 3}'])
def test_bad_patch_bodies_are_400(client, user, token, body):
    from webapp.photos import services

    photo = services.create_photos(user, [upload_file(BUS_PHOTO)])[0].photo
    response = client.patch(api_photo_url(photo.pk), body, content_type="application/json", **auth(token))
    assert response.status_code == 400
    assert "error" in response.json()


def test_other_users_photo_is_404(client, other_user, token):
    from webapp.photos import services

    theirs = services.create_photos(other_user, [upload_file(BUS_PHOTO)])[0].photo
    url = api_photo_url(theirs.pk)
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(url, **auth(token))
        assert response.status_code == 404
    assert Photo.objects.filter(pk=theirs.pk).exists()
    assert client.get(LIST, **auth(token)).json() == {"photos": []}


def test_post_without_files(client, token):
    response = client.post(LIST, {}, **auth(token))
    assert response.status_code == 400
    assert "multipart field 'image'" in response.json()["error"]


def test_the_list_answers_each_photo_as_the_photo_endpoint_does(client, user, token):
    """The list reads a page's objects as plain values (``records.photo_records``) rather than
    through the ORM prefetch the single photo uses: both must give the same record, without the
    dropped objects, in the documented shape."""
    from tests.webapp.stored import stored_photo
    from webapp.photos.api import PhotoListOut
    from webapp.photos.models import DetectedObject

    photos = [stored_photo(user, f"p{i}.jpg", labels) for i, labels in enumerate([("dog", "person"), ("car",), ()])]
    dropped = DetectedObject.objects.filter(photo=photos[0]).order_by("index").first()
    DetectedObject.objects.filter(pk=dropped.pk).update(certainty="dropped")
    listed = client.get(LIST, **auth(token)).json()
    PhotoListOut.model_validate(listed)
    assert [p["id"] for p in listed["photos"]] == [p.pk for p in reversed(photos)]
    for record in listed["photos"]:
        assert record == client.get(api_photo_url(record["id"]), **auth(token)).json()
    first = listed["photos"][-1]
    assert len(first["objects"]) == DetectedObject.objects.filter(photo=photos[0]).count() - 1
    assert all(o["certainty"] != "dropped" for o in first["objects"]) and first["objects"]


def test_a_failed_photo_says_why_as_a_stable_code(client, user, token):
    from tests.webapp.stored import stored_photo

    photo = stored_photo(user, "described.jpg")
    assert client.get(api_photo_url(photo.pk), **auth(token)).json()["reason"] is None
    Photo.objects.filter(pk=photo.pk).update(
        status=Photo.Status.FAILED,
        failure_reason=Photo.FailureReason.UNDECODABLE,
        status_message="The image could not be decoded.",
    )
    for url in (api_photo_url(photo.pk), LIST):
        data = client.get(url, **auth(token)).json()
        record = data if "id" in data else next(p for p in data["photos"] if p["id"] == photo.pk)
        assert record["status"] == "failed" and record["reason"] == "undecodable"
        assert record["message"] == "The image could not be decoded."
