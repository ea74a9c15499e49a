from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signup_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "newbie", "password1": "a long unusual phrase", "password2": "a long unusual phrase"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newbie").exists()
    assert client.get(reverse("photos:library")).status_code == 200


def test_errors_link_to_fields(client):
    response = client.post(reverse("accounts:signup"), {"username": "", "password1": "1", "password2": "2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_username"' in html and 'role="alert"' in html


def test_login_page(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
