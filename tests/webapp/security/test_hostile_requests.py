"""Hostile requests other than image files (issue 17): addresses that crash or slip past the webhook
check, numbers too big for the database, control characters in text, spreadsheet formulas in
exports, file names that break multipart. Each ends in a clear 4xx or a neutralised value, never a
500, and nothing else in the request is lost."""

from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import jpeg_bytes
from tests.webapp.stored import bearer, stored_photo, token  # noqa: F401 - token is a fixture
from webapp.integrations import exports, webhooks
from webapp.integrations.models import Webhook
from webapp.photos import services
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


# -- webhook addresses -------------------------------------------------------------------------------
def test_a_malformed_ipv6_address_is_a_400_not_a_500(client, user, token) -> None:  # noqa: ANN001, F811
    api = client.put("/api/webhook/", {"url": "http://[::1/"}, content_type="application/json", **bearer(token))
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    client.force_login(user)
    form = client.post("/webhook/", {"url": "http://[::1/", "active": "on"})
    assert form.status_code == 400 and 'aria-invalid="true"' in form.content.decode()
    assert not Webhook.objects.filter(user=user).exists()


LOOPBACK_SPELLINGS = [
    "http://127.1/hook",
    "http://0/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://017700000001/hook",
    "http://0177.0.0.1/hook",
    "http://localhost./hook",
    "http://LOCALHOST/hook",
    "http://127.0.0.1.:8000/hook",
    "http://[0:0:0:0:0:0:0:1]/hook",
    "http://10.1/hook",
]


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_every_spelling_of_a_local_address_is_refused_when_saved(user, url: str) -> None:  # noqa: ANN001
    """The HTTP client resolves ``127.1`` or ``0x7f000001`` with inet_aton semantics: so must the check."""
    with pytest.raises(webhooks.WebhookInvalid, match="public internet"):
        webhooks.save_webhook(user, url)
    assert not Webhook.objects.filter(user=user).exists()


@pytest.mark.parametrize("url", ["https://cms.example.org:99999/hook", "https://cms.example.org:-1/hook"])
def test_an_impossible_port_is_refused_when_saved(client, user, token, url: str) -> None:  # noqa: ANN001, F811
    with pytest.raises(webhooks.WebhookInvalid, match="port"):
        webhooks.save_webhook(user, url)
    api = client.put("/api/webhook/", {"url": url}, content_type="application/json", **bearer(token))
    assert api.status_code == 400 and "port" in api.json()["error"]


# -- numbers too big for the database ----------------------------------------------------------------
@pytest.mark.parametrize("ids", ["9223372036854775808", "-9223372036854775809", "1,2,99999999999999999999"])
def test_status_ids_beyond_the_database_integer_are_a_400(client, user, ids: str) -> None:  # noqa: ANN001
    client.force_login(user)
    response = client.get("/photos/status/", {"ids": ids})
    assert response.status_code == 400 and "ids" in response.json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/photos/9223372036854775808/",
        "/photos/99999999999999999999/retry/",
        "/photos/99999999999999999999/delete/",
        "/photos/99999999999999999999/image/",
        "/photos/99999999999999999999/thumb/",
        "/photos/99999999999999999999/overlay/",
    ],
)
def test_page_ids_beyond_the_database_integer_are_a_404(client, user, path: str) -> None:  # noqa: ANN001
    client.force_login(user)
    method = client.post if path.endswith(("retry/", "delete/")) else client.get
    assert method(path).status_code == 404


@pytest.mark.parametrize("page", ["9223372036854775808", "99999999999999999999999", "-1", "x"])
def test_search_and_library_page_numbers_beyond_any_page_never_500(client, user, page: str) -> None:  # noqa: ANN001
    stored_photo(user, "dog.jpg", ("dog",))
    client.force_login(user)
    assert client.get("/search/", {"q": "dog", "page": page}).status_code in {200, 400}
    assert client.get("/", {"page": page}).status_code in {200, 400}


def test_api_ids_beyond_the_database_integer_are_a_400(client, user, token) -> None:  # noqa: ANN001, F811
    for path in ("/api/photos/9223372036854775808/", "/api/tokens/9223372036854775808/"):
        assert client.get(path, **bearer(token)).status_code in {400, 404}
    assert client.get("/api/photos/", {"offset": "9223372036854775808"}, **bearer(token)).status_code == 400


# -- control characters in text ----------------------------------------------------------------------
CONTROL_TEXTS = ["dog\x00cat", "bell\x07", "esc\x1b[31mred", "evil \u202egpj.exe", "lone \ud800 surrogate"]


@pytest.mark.parametrize("text", CONTROL_TEXTS)
def test_control_characters_are_refused_by_the_api_and_the_form_alike(client, user, token, text: str) -> None:  # noqa: ANN001, F811
    photo = stored_photo(user, "dog.jpg", ("dog",))
    import json

    body = json.dumps({"alt_text": text})  # \ud800 travels as a JSON escape, as an attacker would send it
    api = client.patch(f"/api/photos/{photo.pk}/", body, content_type="application/json", **bearer(token))
    assert api.status_code == 400
    assert "character" in api.json()["error"] or "\ud800" in text  # a lone surrogate is not JSON to the parser
    client.force_login(user)
    form = client.post(f"/photos/{photo.pk}/", {"action": "edit", "alt_text": text.replace("\ud800", "\x01")})
    assert form.status_code == 400 and "character" in form.content.decode()
    with pytest.raises(ValueError, match="character"):
        services.review_alt(photo, action="edit", text=text)
    assert Photo.objects.get(pk=photo.pk).accepted_alt == ""


def test_ordinary_unicode_and_whitespace_still_pass(user) -> None:  # noqa: ANN001
    photo = stored_photo(user, "dog.jpg", ("dog",))
    services.review_alt(photo, action="edit", text="Ein Hund\tläuft\r\nüber die Wiese 🐕‍🦺 — ‏שלום‎")
    assert Photo.objects.get(pk=photo.pk).accepted_alt == "Ein Hund läuft über die Wiese 🐕‍🦺 — ‏שלום‎"


def test_token_names_and_search_queries_refuse_control_characters_too(client, user, token) -> None:  # noqa: ANN001, F811
    created = client.post("/api/tokens/", {"name": "ci\x00bot"}, content_type="application/json", **bearer(token))
    assert created.status_code == 400 and "character" in created.json()["error"]
    found = client.get("/api/search/", {"q": "dog\x00"}, **bearer(token))
    assert found.status_code == 400 and "character" in found.json()["error"]
    client.force_login(user)
    assert client.get("/search/", {"q": "dog\x00"}).status_code == 400


# -- spreadsheet formulas in CSV ---------------------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://evil.example.com","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_export_neutralises_formulas(user, formula: str) -> None:  # noqa: ANN001
    photo = stored_photo(user, formula.strip()[:5] + ".jpg", ("dog",))
    Photo.objects.filter(pk=photo.pk).update(accepted_alt=formula, alt_source=Photo.AltSource.EDITED)
    rows = list(csv.DictReader(io.StringIO(exports.export_library(user, "csv").content)))
    assert rows[0]["alt"] == "'" + formula
    assert rows[0]["accepted_alt_text"] == "'" + formula
    assert rows[0]["file"].startswith("'")
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", row


def test_csv_keeps_plain_negative_numbers_and_text(user) -> None:  # noqa: ANN001
    stored_photo(user, "dog.jpg", ("dog",))
    row = next(csv.DictReader(io.StringIO(exports.export_library(user, "csv").content)))
    assert row["file"] == "dog.jpg" and row["status"] == "done" and not row["alt"].startswith("'")


def test_describe_csv_neutralises_formulas(tmp_path) -> None:  # noqa: ANN001
    from webapp.photos.management.commands.describe import OutFile

    out = OutFile(tmp_path / "out.csv")
    out.write({"file": "=cmd|' /C calc'!A0.jpg", "alt_text": "@SUM(1)", "long_description": "-1"})
    out.close()
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8", newline="")))
    assert row["file"].startswith("'=") and row["alt_text"] == "'@SUM(1)" and row["long_description"] == "'-1"


# -- file names that break multipart -----------------------------------------------------------------
def multipart(parts: list[tuple[bytes, bytes]], boundary: bytes = b"----hostile") -> bytes:
    """A multipart/form-data body from raw ``(filename bytes, content)`` pairs in field ``images``."""
    body = b""
    for filename, content in parts:
        body += (
            b"--" + boundary + b"\r\n"
            b'Content-Disposition: form-data; name="images"; filename="' + filename + b'"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n" + content + b"\r\n"
        )
    return body + b"--" + boundary + b"--\r\n"


BAD_NAMES = {
    "latin-1": "Fröhliche Grüße.jpg".encode("latin-1"),
    "1000 characters": ("x" * 1000 + ".jpg").encode(),
    "4000 bytes": ("é" * 2000 + ".jpg").encode(),
}


@pytest.mark.parametrize("kind", list(BAD_NAMES))
def test_one_bad_file_name_rejects_that_file_and_keeps_the_others(client, user, token, kind: str) -> None:  # noqa: ANN001, F811
    body = multipart([(b"good.jpg", jpeg_bytes()), (BAD_NAMES[kind], jpeg_bytes()), (b"also good.jpg", jpeg_bytes())])
    client.force_login(user)
    page = client.post("/upload/", body, content_type="multipart/form-data; boundary=----hostile")
    assert page.status_code == 200, page.content[:300]
    html = page.content.decode()
    assert "good.jpg" in html and "also good.jpg" in html and "file name" in html
    assert sorted(Photo.objects.filter(owner=user).values_list("original_name", flat=True)) == [
        "also good.jpg",
        "good.jpg",
    ]
    api_body = body.replace(b'name="images"', b'name="image"')
    api = client.post(
        "/api/photos/", api_body, content_type="multipart/form-data; boundary=----hostile", **bearer(token)
    )
    assert api.status_code == 202, api.content[:300]
    answer = api.json()
    assert [p["file"] for p in answer["photos"]] == ["good.jpg", "also good.jpg"]
    assert len(answer["rejected"]) == 1 and "file name" in answer["rejected"][0]["error"]
