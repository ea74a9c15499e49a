"""Exports round-trip: JSON parses back to exactly what the database holds, CSV parses with the csv
module, the HTML page has one ``<img>`` per photo with the right alt; from the API and the page."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from html.parser import HTMLParser

import pytest

from tests.webapp.stored import bearer, stored_photo
from webapp.integrations import exports
from webapp.photos import services as photo_services
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(user, other_user) -> dict[str, Photo]:  # noqa: ANN001
    """Four photos of ``user`` (edited, decorative, accepted, not reviewed), one still queued, and
    one of another user that must never appear."""
    photos = {
        "edited": stored_photo(user, 'dogs, "quoted" & <tagged>.jpg', ("dog", "dog")),
        "decorative": stored_photo(user, "border.jpg", ("person",)),
        "accepted": stored_photo(user, "bus.jpg", ("bus", "car")),
        "suggested": stored_photo(user, "cat.jpg", ("cat",)),
    }
    photo_services.review_alt(photos["edited"], action="edit", text='Two dogs say "hi" <b>& wave</b>')
    photo_services.review_alt(photos["decorative"], action="decorative")
    photo_services.review_alt(photos["accepted"], action="accept")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import jpeg_bytes

    upload = SimpleUploadedFile("queued.jpg", jpeg_bytes(), content_type="image/jpeg")
    photos["queued"] = photo_services.create_photos(user, [upload])[0].photo
    stored_photo(other_user, "secret.jpg", ("dog",))
    return {key: Photo.objects.get(pk=p.pk) for key, p in photos.items()}


def test_json_round_trips_to_the_database(user, library) -> None:  # noqa: ANN001
    data = json.loads(exports.export_library(user, "json").content)
    assert data["user"] == "alice" and data["count"] == 5
    by_id = {item["id"]: item for item in data["photos"]}
    assert set(by_id) == {p.pk for p in library.values()}
    for photo in Photo.objects.filter(owner=user):
        item = by_id[photo.pk]
        assert item["file"] == photo.original_name
        assert item["status"] == photo.status
        assert item["alt_text"] == photo.suggested_alt
        assert item["long_description"] == photo.long_description
        assert item["accepted_alt_text"] == (photo.accepted_alt if photo.is_reviewed else None)
        assert item["alt_source"] == (photo.alt_source or None)
        assert item["decorative"] is photo.is_decorative
        assert item["model"] == photo.model_name
        assert (item["width"], item["height"]) == (photo.width, photo.height)
        assert datetime.fromisoformat(item["created_at"]) == photo.created_at
        assert (datetime.fromisoformat(item["finished_at"]) if item["finished_at"] else None) == photo.finished_at
        stated = [d for d in photo.detections.order_by("index") if d.certainty != "dropped"]
        assert [o["label"] for o in item["objects"]] == [d.label for d in stated]
        assert [o["box"] for o in item["objects"]] == [[round(v, 1) for v in d.box] for d in stated]
    assert by_id[library["edited"].pk]["accepted_alt_text"] == 'Two dogs say "hi" <b>& wave</b>'
    assert by_id[library["decorative"].pk]["accepted_alt_text"] == ""


def test_csv_parses_with_one_row_per_photo(user, library) -> None:  # noqa: ANN001
    exported = exports.export_library(user, "csv")
    assert exported.content_type.startswith("text/csv") and exported.filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(exported.content)))
    assert list(rows[0]) == exports.CSV_COLUMNS
    by_id = {int(row["id"]): row for row in rows}
    assert set(by_id) == {p.pk for p in library.values()}
    edited = by_id[library["edited"].pk]
    assert edited["file"] == 'dogs, "quoted" & <tagged>.jpg'
    assert edited["alt"] == 'Two dogs say "hi" <b>& wave</b>' and edited["alt_source"] == "edited"
    assert edited["labels"].split(";") == ["dog", "dog"]
    assert by_id[library["decorative"].pk]["alt"] == "" and by_id[library["decorative"].pk]["decorative"] == "yes"
    suggested = by_id[library["suggested"].pk]
    assert suggested["alt"] == library["suggested"].suggested_alt and suggested["alt_source"] == "suggested"
    assert suggested["accepted_alt_text"] == ""
    assert by_id[library["queued"].pk]["status"] == "queued" and by_id[library["queued"].pk]["alt"] == ""


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))
        self.h1 += tag == "h1"


def test_html_has_one_img_per_photo_with_the_right_alt(user, library) -> None:  # noqa: ANN001
    exported = exports.export_library(user, "html")
    parser = Images()
    parser.feed(exported.content)
    assert parser.h1 == 1 and exported.content.startswith("<!doctype html>")
    by_id = {int(img["data-photo-id"]): img for img in parser.images}
    # Every photo with alt text to publish, exactly once; the queued one (no text yet) is left out.
    assert len(parser.images) == len(by_id) == 4
    assert set(by_id) == {library[k].pk for k in ("edited", "decorative", "accepted", "suggested")}
    assert by_id[library["edited"].pk] == {
        "src": 'dogs, "quoted" & <tagged>.jpg',
        "alt": 'Two dogs say "hi" <b>& wave</b>',
        "data-photo-id": str(library["edited"].pk),
        "data-alt-source": "edited",
    }
    assert by_id[library["decorative"].pk]["alt"] == ""  # present and empty, not missing
    assert by_id[library["accepted"].pk]["alt"] == library["accepted"].suggested_alt
    assert by_id[library["suggested"].pk]["data-alt-source"] == "suggested"
    assert "1 photo without alt text yet" in exported.content
    assert "secret.jpg" not in exported.content


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", "text/csv"), ("json", "application/json"), ("html", "text/html")]
)
def test_api_and_page_downloads(client, user, token, library, fmt: str, content_type: str) -> None:  # noqa: ANN001
    response = client.get("/api/export/", {"format": fmt}, **bearer(token))
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    api_body = response.content.decode()
    client.force_login(user)
    page = client.get(f"/export/{fmt}/")
    assert page.status_code == 200 and page["Content-Type"].startswith(content_type)
    if fmt == "json":  # the same records either way (the timestamp of the export aside)
        assert json.loads(api_body)["photos"] == json.loads(page.content)["photos"]
    else:
        assert api_body.count("bus.jpg") == page.content.decode().count("bus.jpg") == 1


def test_export_errors_and_login(client, user, token, library) -> None:  # noqa: ANN001
    response = client.get("/api/export/", {"format": "pdf"}, **bearer(token))
    assert response.status_code == 400 and response.json()["code"] == "invalid" and "format" in response.json()["error"]
    assert client.get("/api/export/").status_code == 401
    assert client.get("/export/").status_code == 302 and client.get("/export/csv/").status_code == 302
    client.force_login(user)
    assert client.get("/export/pdf/").status_code == 404
    page = client.get("/export/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    for fmt in ("csv", "json", "html"):
        assert f'href="/export/{fmt}/"' in html
    assert 'href="/export/"' in client.get("/").content.decode()  # reachable from the library
