from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from captioning.lang import en
from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.photos import services
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_photo(logged_in, user, processing):
    with processing():
        logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    photo = Photo.objects.get(owner=user)
    assert photo.status == Photo.Status.DONE, photo.status_message
    return photo


def url(photo):
    return reverse("photos:detail", args=[photo.pk])


def text_of(html: str) -> str:
    """The page's text with tags removed (phrases naming regions are links inside the texts)."""
    return re.sub(r"<[^>]+>", "", html)


def test_shows_suggestion_description_regions_and_snippet(logged_in, done_photo):
    html = logged_in.get(url(done_photo)).content.decode()
    assert done_photo.suggested_alt in text_of(html)
    assert done_photo.long_description in text_of(html)
    assert "&lt;img src=&quot;000000252639.jpg&quot; alt=&quot;" in html
    assert 'data-copy="snippet"' in html
    # The numbered regions: a legend entry per shown object, in words, and the overlay with its own alt.
    shown = done_photo.detections.exclude(certainty="dropped").order_by("index")
    assert shown
    first = shown[0]
    assert '<li id="region-1"' in html
    # A share of the photo: the mask's, or (boxes-only model) its box's, said so.
    boxes_only = done_photo.result["instances"]["masks"] is None
    where = en.position_phrase(first.position)
    assert f"1: {first.label}, {where}, {'its box covers ' if boxes_only else ''}" in html
    overlay_url = reverse("photos:overlay", args=[done_photo.pk])
    alt = re.search(rf'<img src="{overlay_url}" alt="([^"]+)"', html).group(1)
    assert alt.startswith(f"The photo with {len(shown)} numbered region") and f"1 {first.label}" in alt
    # The words of the description link to the region and back.
    assert re.search(r'<a class="mention" id="mention-long-description-1" href="#region-1"', html)
    assert '<a href="#mention-long-description-1">' in html


def test_overlay_image_is_a_jpeg_for_the_owner_only(logged_in, done_photo, client, other_user):
    response = logged_in.get(reverse("photos:overlay", args=[done_photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "JPEG"
    assert picture.size == (done_photo.width, done_photo.height)  # 640 px wide: not scaled
    client.force_login(other_user)
    assert client.get(reverse("photos:overlay", args=[done_photo.pk])).status_code == 404


def test_next_and_previous_photo_links_follow_library_order(logged_in, user, processing):
    with processing():
        logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO, "first.jpg")]})
        logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO, "second.jpg")]})
    newest, older = Photo.objects.filter(owner=user)  # library order: newest first
    assert newest.original_name == "second.jpg"
    html = logged_in.get(url(newest)).content.decode()
    assert f'<a href="{url(older)}" rel="next">Next photo: first.jpg</a>' in html
    assert 'rel="prev"' not in html
    html = logged_in.get(url(older)).content.decode()
    assert f'<a href="{url(newest)}" rel="prev">Previous photo: second.jpg</a>' in html
    assert 'rel="next"' not in html


def test_queued_photo_has_a_status_region_and_no_regions_yet(logged_in, user):
    logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})  # not processed
    photo = Photo.objects.get(owner=user)
    html = logged_in.get(url(photo)).content.decode()
    assert 'id="poll-status" class="visually-hidden" role="status"' in html
    assert 'data-status="queued"' in html
    assert "What the model found" not in html


def test_accept_edit_and_decorative(logged_in, done_photo):
    response = logged_in.post(url(done_photo), {"action": "accept", "alt_text": ""})
    assert response.status_code == 302
    done_photo.refresh_from_db()
    assert done_photo.alt_source == "accepted" and done_photo.accepted_alt == done_photo.suggested_alt

    logged_in.post(url(done_photo), {"action": "edit", "alt_text": "  A green bus   at a stop  "})
    done_photo.refresh_from_db()
    assert done_photo.alt_source == "edited" and done_photo.accepted_alt == "A green bus at a stop"

    logged_in.post(url(done_photo), {"action": "decorative", "alt_text": "ignored"})
    done_photo.refresh_from_db()
    assert done_photo.is_decorative and done_photo.current_alt == ""
    assert 'alt=""' in services.html_snippet(done_photo)


def test_empty_edit_is_an_error_linked_to_the_field(logged_in, done_photo):
    response = logged_in.post(url(done_photo), {"action": "edit", "alt_text": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_alt_text">Enter the alt text' in html
    assert "<title>Error:" in html
    # The field says it is invalid and which message describes it.
    assert 'aria-describedby="alt-error alt-hint alt-count" aria-invalid="true"' in html
    assert '<p class="error-message" id="alt-error">Error: Enter the alt text' in html


def test_human_edit_survives_a_rerun(logged_in, done_photo, processing):
    logged_in.post(url(done_photo), {"action": "edit", "alt_text": "My own words"})
    Photo.objects.filter(pk=done_photo.pk).update(status=Photo.Status.QUEUED)
    services.process_photo(done_photo.pk)
    done_photo.refresh_from_db()
    assert done_photo.status == Photo.Status.DONE
    assert done_photo.accepted_alt == "My own words"
    assert done_photo.current_alt == "My own words"
    assert "bus" in done_photo.suggested_alt.lower()


def test_other_users_photo_is_404(client, other_user, done_photo):
    client.force_login(other_user)
    assert client.get(url(done_photo)).status_code == 404
    assert client.post(url(done_photo), {"action": "decorative"}).status_code == 404
    assert client.get(reverse("photos:image", args=[done_photo.pk])).status_code == 404
    assert client.post(reverse("photos:delete", args=[done_photo.pk])).status_code == 404


def test_delete(logged_in, done_photo):
    response = logged_in.post(reverse("photos:delete", args=[done_photo.pk]))
    assert response.status_code == 302
    assert not Photo.objects.filter(pk=done_photo.pk).exists()
    assert not default_storage.exists(done_photo.image)
