from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_shows_suggestion_description_objects_and_snippet(logged_in, done_photo):
    html = logged_in.get(url(done_photo)).content.decode()
    assert done_photo.suggested_alt in html
    assert done_photo.long_description in html
    assert "<caption>" in html and ">bus" in html
    assert "&lt;img src=&quot;000000252639.jpg&quot; alt=&quot;" in html
    assert 'data-copy="snippet"' in html


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
    assert not services.media_path(done_photo.image).exists()
