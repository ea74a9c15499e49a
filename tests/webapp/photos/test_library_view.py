from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.photos import services
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db
URL = reverse("photos:library")


def test_login_required(client):
    assert client.get(URL).status_code == 302


def test_empty_library(logged_in):
    html = logged_in.get(URL).content.decode()
    assert "No photos yet" in html
    # The live region exists before any status changes, so screen readers pick up updates.
    assert 'id="poll-status"' not in html or 'role="status"' in html


def test_queued_photo_shows_status_and_live_region(logged_in):
    logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    html = logged_in.get(URL).content.decode()
    assert 'id="poll-status" class="visually-hidden" role="status" aria-live="polite"' in html
    assert 'Status: <span class="status status-queued" data-status-label>Queued</span>' in html
    assert "refresh the page" in html  # works with JavaScript off
    assert f'alt="Photo {BUS_PHOTO.name}, queued"' in html


def test_done_photo_thumbnail_uses_alt_text(logged_in, user, processing):
    with processing():
        logged_in.post(reverse("photos:upload"), {"images": [upload_file(BUS_PHOTO)]})
    photo = Photo.objects.get(owner=user)
    html = logged_in.get(URL).content.decode()
    assert f'alt="{photo.suggested_alt}"' in html


def test_other_users_photos_are_not_listed(logged_in, other_user):
    services.create_photos(other_user, [upload_file(BUS_PHOTO, "secret.jpg")])
    assert "secret.jpg" not in logged_in.get(URL).content.decode()
