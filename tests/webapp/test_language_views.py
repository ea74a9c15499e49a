"""The interface in English, German, French and Spanish (Django's i18n, issue 18): the switcher
(set_language) changes the language of every page, ``<html lang>`` follows it (WCAG 3.1.1), the
switcher names each language in itself with its own ``lang`` (3.1.2), and Accept-Language is the
fallback when nobody has chosen."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from webapp.photos.models import Photo

LANGS = [code for code, _ in settings.LANGUAGES]
# Text on every page (the skip link), as a German, French or Spanish reader sees it.
SKIP_LINK = {
    "en": "Skip to main content",
    "de": "Zum Hauptinhalt springen",
    "fr": "Aller au contenu principal",
    "es": "Saltar al contenido principal",
}


def html_lang(body: str) -> str:
    match = re.search(r"<html lang=\"([^\"]*)\"", body)
    assert match, "no <html lang> on the page"
    return match.group(1)


def choose(client: Client, lang: str, next_url: str = "/") -> object:
    """The switcher's form, as a browser sends it."""
    return client.post(reverse("set_language"), {"language": lang, "next": next_url})


@pytest.fixture
def photo(user) -> Photo:  # noqa: ANN001
    return Photo.objects.create(
        owner=user,
        image="x.jpg",
        thumbnail="x-thumb.jpg",
        original_name="beach.jpg",
        width=640,
        height=480,
        status=Photo.Status.DONE,
        suggested_alt="A dog on a beach",
    )


def logged_out_pages() -> list[str]:
    return [reverse("login"), reverse("accounts:signup"), "/no-such-page/"]


def logged_in_pages(photo: Photo) -> list[str]:
    return [
        reverse("photos:library"),
        reverse("photos:upload"),
        reverse("photos:detail", args=[photo.pk]),
        reverse("accounts:account"),
        reverse("accounts:delete"),
        reverse("integrations:export"),
        reverse("integrations:webhook"),
        reverse("api:openapi-view"),
        reverse("search:search") + "?q=dog",
        "/photos/999999/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_in_the_chosen_language_and_says_so(client: Client, user, photo: Photo, lang: str) -> None:  # noqa: ANN001
    assert choose(client, lang).status_code == 302
    for url in logged_out_pages():
        body = client.get(url).content.decode()
        assert html_lang(body) == lang, url
        assert SKIP_LINK[lang] in body, url
    client.force_login(user)
    for url in logged_in_pages(photo):
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        body = response.content.decode()
        assert html_lang(body) == lang, url
        assert SKIP_LINK[lang] in body, url


@pytest.mark.django_db
def test_switcher_is_a_labelled_form_naming_each_language_in_itself(client: Client) -> None:
    with translation.override("de"):
        body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    form = re.search(r"<form action=\"/i18n/setlang/\".*?</form>", body, re.S).group(0)
    assert '<label for="language-select">Sprache</label>' in form
    assert '<select name="language" id="language-select">' in form
    assert 'name="next" type="hidden" value="/accounts/login/"' in form
    assert re.search(r"<button type=\"submit\"[^>]*>Sprache wechseln</button>", form)
    options = re.findall(r"<option value=\"(\w+)\" lang=\"(\w+)\"( selected)?>([^<]+)</option>", form)
    assert [(v, lang, name) for v, lang, _, name in options] == [
        ("en", "en", "English"),
        ("de", "de", "Deutsch"),
        ("fr", "fr", "Français"),
        ("es", "es", "Español"),
    ]
    assert [v for v, _, selected, _ in options if selected] == ["de"]


@pytest.mark.django_db
def test_switching_returns_to_the_same_page_and_sticks(client: Client, user) -> None:  # noqa: ANN001
    client.force_login(user)
    response = choose(client, "fr", reverse("accounts:account"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    body = client.get(reverse("accounts:account")).content.decode()
    assert html_lang(body) == "fr" and "<h1>Votre compte</h1>" in body
    # Back to English.
    choose(client, "en")
    assert html_lang(client.get(reverse("accounts:account")).content.decode()) == "en"


@pytest.mark.django_db
def test_accept_language_when_nothing_was_chosen_and_english_otherwise(client: Client) -> None:
    assert html_lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").content.decode()) == "es"
    assert html_lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()) == "en"
    assert html_lang(client.get(reverse("login")).content.decode()) == "en"


@pytest.mark.django_db
def test_messages_and_form_errors_are_translated(client: Client, user, photo: Photo) -> None:  # noqa: ANN001
    client.force_login(user)
    choose(client, "de")
    response = client.post(reverse("photos:detail", args=[photo.pk]), {"action": "edit", "alt_text": "  "})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie den Alt-Text ein oder markieren Sie das Foto als dekorativ." in body
    assert "<title>Fehler: beach.jpg – Alt Text Studio</title>" in body
    response = client.post(reverse("photos:detail", args=[photo.pk]), {"action": "accept", "alt_text": ""}, follow=True)
    assert "Alt-Text gespeichert." in response.content.decode()


@pytest.mark.django_db
def test_the_scripts_words_come_in_the_page_language(client: Client) -> None:
    choose(client, "es")
    body = client.get(reverse("login")).content.decode()
    src = re.search(r"<script src=\"(/jsi18n/[^\"]*)\"", body).group(1)
    assert src.endswith("?lang=es")  # the address names the language: a cached copy is never another's
    catalogue = client.get(src).content.decode()
    assert "Copiado en el portapapeles." in catalogue


@pytest.mark.django_db
def test_the_security_check_page_is_in_the_chosen_language_too(user) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(user)
    response = client.post(reverse("accounts:account"), {"name": "x"})  # no CSRF token: refused
    body = response.content.decode()
    assert response.status_code == 403
    assert html_lang(body) == "fr" and "<h1>Action non autorisée</h1>" in body
