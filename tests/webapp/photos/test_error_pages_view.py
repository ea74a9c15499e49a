"""Error pages use the site's layout: one h1, the landmarks, a way back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_404_in_the_site_layout(logged_in, settings):
    settings.DEBUG = False
    response = logged_in.get("/photos/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html.count("<h1") == 1 and "<h1>Page not found</h1>" in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert f'href="{reverse("photos:library")}"' in html


def test_csrf_failure_is_a_403_in_the_site_layout(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed – Alt Text Studio</title>" in html
    assert html.count("<h1") == 1 and "<h1>Not allowed</h1>" in html
    assert '<main id="main"' in html and "security check failed" in html


def upload_failing_with(client, monkeypatch, message: str):  # noqa: ANN001, ANN201
    """POST an upload while ``services.create_photos`` raises ``OperationalError(message)``."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import OperationalError

    from tests.conftest import jpeg_bytes
    from webapp.photos import services

    def failing(*args, **kwargs):
        raise OperationalError(message)

    monkeypatch.setattr(services, "create_photos", failing)
    upload = SimpleUploadedFile("cat.jpg", jpeg_bytes(), content_type="image/jpeg")
    return client.post(reverse("photos:upload"), {"images": [upload]})


def test_a_locked_database_is_a_503_with_retry_after_not_a_500(logged_in, settings, monkeypatch):
    """SQLite's "database is locked" after its busy timeout (a long write elsewhere) tells the user
    to try again, in the site's layout, and keeps nothing half-done."""
    from webapp.photos.models import Photo

    settings.DEBUG = False
    response = upload_failing_with(logged_in, monkeypatch, "database is locked")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Try again in a few seconds" in html and '<main id="main"' in html
    assert Photo.objects.count() == 0


def test_a_database_bug_is_not_called_busy(logged_in, settings, monkeypatch):
    """A missing table is an OperationalError too, but a bug: the 500 page, not 'try again'."""
    settings.DEBUG = False
    logged_in.raise_request_exception = False
    response = upload_failing_with(logged_in, monkeypatch, "no such table: photos_photo")
    assert response.status_code == 500
