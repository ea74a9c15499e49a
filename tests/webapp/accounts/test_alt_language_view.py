"""The account setting "Alt text language" (issue 18): chosen at sign-up from the interface
language (else English), shown and changed on the account page, refused when unknown."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from webapp.accounts.models import Profile, alt_text_language

pytestmark = pytest.mark.django_db
PASSWORD = "an unusual long passphrase"


def sign_up(client, username: str, **headers: str):  # noqa: ANN001, ANN201
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("accounts:signup"), data, **headers)


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("de-DE,de;q=0.9,en;q=0.5", "de"), ("fr", "fr"), ("es-MX", "es"), ("ja", "en"), ("", "en")],
)
def test_sign_up_takes_the_interface_language(client, accept_language: str, expected: str) -> None:  # noqa: ANN001
    assert sign_up(client, "newcomer", HTTP_ACCEPT_LANGUAGE=accept_language).status_code == 302
    user = get_user_model().objects.get(username="newcomer")
    assert user.profile.alt_text_language == expected


def test_the_switchers_choice_wins_over_the_browser(client) -> None:  # noqa: ANN001
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    sign_up(client, "newcomer", HTTP_ACCEPT_LANGUAGE="de")
    assert alt_text_language(get_user_model().objects.get(username="newcomer")) == "es"


def test_an_account_without_profile_reads_english(user) -> None:  # noqa: ANN001
    assert not Profile.objects.filter(user=user).exists()
    assert alt_text_language(user) == "en"


def test_account_page_shows_and_changes_the_setting(logged_in, user) -> None:  # noqa: ANN001
    html = logged_in.get(reverse("accounts:account")).content.decode()
    select = re.search(r'<select name="alt_text_language" id="alt-language"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no labelled select"
    assert '<label for="alt-language">Alt text language</label>' in html
    options = re.findall(r'<option value="(\w+)" lang="(\w+)"( selected)?>([^<]+)</option>', select.group(1))
    assert [(v, lang, name) for v, lang, _, name in options] == [
        ("en", "en", "English"),
        ("de", "de", "Deutsch"),
        ("fr", "fr", "Français"),
        ("es", "es", "Español"),
    ]
    assert [v for v, _, sel, _ in options if sel] == ["en"]

    response = logged_in.post(reverse("accounts:alt-language"), {"alt_text_language": "fr"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#alt-language-title")
    assert "Alt text language saved." in response.content.decode()
    assert alt_text_language(user) == "fr"
    html = logged_in.get(reverse("accounts:account")).content.decode()
    assert '<option value="fr" lang="fr" selected>' in html


def test_an_unknown_language_is_refused_at_the_field(logged_in, user) -> None:  # noqa: ANN001
    response = logged_in.post(reverse("accounts:alt-language"), {"alt_text_language": "xx"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'id="alt-language-error"' in html
    assert alt_text_language(user) == "en"


def test_the_setting_needs_a_login_and_a_post(client, logged_in) -> None:  # noqa: ANN001
    url = reverse("accounts:alt-language")
    assert logged_in.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"alt_text_language": "de"}).status_code == 302  # to the log-in page
