"""The API's alt text language (issue 18): ``?lang=`` first, then ``Accept-Language``, then the
account's setting; an unsupported ``?lang=`` is a 400 that lists the languages; a person's text
keeps its language (``accepted_alt_text_lang``)."""

from __future__ import annotations

import json

import pytest

from tests.webapp.described import ALT, LONG, described_photo
from tests.webapp.stored import bearer, token  # noqa: F401 - a fixture for these tests
from webapp.accounts.models import Profile
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def url(photo: Photo) -> str:
    return f"/api/photos/{photo.pk}/"


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_lang_parameter_renders_the_suggestion(client, user, token: str, lang: str) -> None:  # noqa: ANN001, F811
    photo = described_photo(user)
    record = client.get(url(photo), {"lang": lang}, **bearer(token)).json()
    assert (record["alt_text"], record["long_description"], record["lang"]) == (ALT[lang], LONG[lang], lang)
    listed = client.get("/api/photos/", {"lang": lang}, **bearer(token)).json()["photos"]
    assert [(p["alt_text"], p["lang"]) for p in listed] == [(ALT[lang], lang)]


def test_accept_language_then_the_account(client, user, token: str) -> None:  # noqa: ANN001, F811
    photo = described_photo(user)
    get = lambda **headers: client.get(url(photo), **bearer(token), **headers).json()  # noqa: E731
    assert get()["lang"] == "en"
    assert get(HTTP_ACCEPT_LANGUAGE="ja, fr-CA;q=0.9, de;q=0.8")["lang"] == "fr"
    Profile.objects.create(user=user, alt_text_language="es")
    assert get()["lang"] == "es" and get(HTTP_ACCEPT_LANGUAGE="ja")["lang"] == "es"
    assert get(HTTP_ACCEPT_LANGUAGE="de")["alt_text"] == ALT["de"]
    assert client.get(url(photo), {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="de", **bearer(token)).json()["lang"] == "fr"


@pytest.mark.parametrize("path", ["/api/photos/", "/api/photos/{id}/", "/api/export/"])
def test_an_unsupported_language_is_a_400_with_the_list(client, user, token: str, path: str) -> None:  # noqa: ANN001, F811
    photo = described_photo(user)
    response = client.get(path.format(id=photo.pk), {"lang": "pt"}, **bearer(token))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unsupported_language"
    assert "'pt'" in body["error"] and "en, de, fr, es" in body["error"]


def test_review_keeps_the_text_in_its_language(client, user, token: str) -> None:  # noqa: ANN001, F811
    photo = described_photo(user)
    patch = lambda body, lang: client.patch(  # noqa: E731
        f"{url(photo)}?lang={lang}", json.dumps(body), content_type="application/json", **bearer(token)
    )
    record = patch({"accept": True}, "de").json()
    assert (record["accepted_alt_text"], record["accepted_alt_text_lang"], record["alt_source"]) == (
        ALT["de"],
        "de",
        "accepted",
    )
    # Read in French: the suggestion is French, the accepted German text stays German.
    record = client.get(url(photo), {"lang": "fr"}, **bearer(token)).json()
    assert (record["alt_text"], record["accepted_alt_text"], record["accepted_alt_text_lang"]) == (
        ALT["fr"],
        ALT["de"],
        "de",
    )
    record = patch({"alt_text": "Un perro y una persona"}, "es").json()
    assert (record["accepted_alt_text_lang"], record["alt_source"]) == ("es", "edited")
    assert patch({"decorative": True}, "es").json()["accepted_alt_text_lang"] is None


def test_a_photo_stored_before_plans_answers_in_english(client, user, token: str) -> None:  # noqa: ANN001, F811
    photo = described_photo(user, with_plan=False)
    record = client.get(url(photo), {"lang": "de"}, **bearer(token)).json()
    assert (record["alt_text"], record["lang"]) == (ALT["en"], "en")
