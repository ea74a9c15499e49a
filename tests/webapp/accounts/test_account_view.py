from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import authenticate

pytestmark = pytest.mark.django_db


def test_create_show_once_and_revoke(logged_in, user):
    response = logged_in.post(reverse("accounts:account"), {"name": "CMS"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=user)
    raw = html.split('id="new-token" readonly value="')[1].split('"')[0]
    assert raw.startswith("alt_") and authenticate(raw) == token
    assert raw not in logged_in.get(reverse("accounts:account")).content.decode()
    logged_in.post(reverse("accounts:revoke", args=[token.pk]))
    assert not ApiToken.objects.exists()


def test_cannot_revoke_someone_elses(client, user, other_user):
    token, _ = ApiToken.issue(user, "mine")
    client.force_login(other_user)
    assert client.post(reverse("accounts:revoke", args=[token.pk])).status_code == 404


def test_issue_token_command(user, capsys):
    call_command("issue_token", "alice")
    raw = capsys.readouterr().out.strip()
    assert authenticate(raw).user == user
