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
