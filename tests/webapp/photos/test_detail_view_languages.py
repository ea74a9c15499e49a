"""The photo page in the account's alt text language (issue 18): the suggestion, the long
description and their region links rendered from the stored plan, the person's text kept in its
language, and ``lang`` wherever a text is not in the page's language (WCAG 3.1.2), the copied
``<img>`` snippet included."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.webapp.described import ALT, LONG, described_photo
from webapp.accounts.models import Profile
from webapp.photos.models import Photo

pytestmark = pytest.mark.django_db


def page(client, photo: Photo) -> str:  # noqa: ANN001
    response = client.get(reverse("photos:detail", args=[photo.pk]))
    assert response.status_code == 200
    return response.content.decode()


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def choose_ui(client, lang: str) -> None:  # noqa: ANN001
    client.post(reverse("set_language"), {"language": lang, "next": "/"})


def test_suggestion_in_the_alt_text_language_marked_when_not_the_pages(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="fr")
    photo = described_photo(user)
    body = page(logged_in, photo)  # interface in English, alt text in French
    suggestion = re.search(r'<p class="suggestion" lang="fr">(.*?)</p>', body, re.S)
    assert suggestion and text_of(suggestion.group(1)) == ALT["fr"]
    long = re.search(r'<p class="long-description" lang="fr">(.*?)</p>', body, re.S)
    assert long and text_of(long.group(1)) == LONG["fr"]
    # The phrases naming regions are links in French too, named with the region in English.
    assert re.search(r'<a class="mention"[^>]*aria-label="Une personne \(region 2\)"[^>]*>Une personne</a>', body)
    # The picture's alt, the form's text and the snippet: French, and said so.
    assert f'alt="{ALT["fr"]}"' in html.unescape(body)
    assert re.search(r'<textarea name="alt_text" id="id_alt_text" rows="3" maxlength="1000" lang="fr"', body)
    snippet = html.unescape(re.search(r'<textarea id="snippet" readonly rows="3">(.*?)</textarea>', body).group(1))
    assert snippet == f'<img src="park.jpg" alt="{ALT["fr"]}" lang="fr">'


def test_no_lang_where_the_text_is_in_the_pages_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    photo = described_photo(user)
    choose_ui(logged_in, "de")
    body = page(logged_in, photo)
    assert '<html lang="de">' in body and '<p class="suggestion">' in body
    snippet = html.unescape(re.search(r'<textarea id="snippet" readonly rows="3">(.*?)</textarea>', body).group(1))
    assert snippet == f'<img src="park.jpg" alt="{ALT["de"]}">'
    assert re.search(r'aria-label="Eine Person \(Bereich 2\)"', body)


def test_changing_the_setting_rerenders_at_once(logged_in, user) -> None:  # noqa: ANN001
    photo = described_photo(user)
    assert text_of(re.search(r'<p class="suggestion">(.*?)</p>', page(logged_in, photo), re.S).group(1)) == ALT["en"]
    logged_in.post(reverse("accounts:alt-language"), {"alt_text_language": "es"})
    body = page(logged_in, photo)
    assert text_of(re.search(r'<p class="suggestion" lang="es">(.*?)</p>', body, re.S).group(1)) == ALT["es"]
    assert text_of(re.search(r'<p class="long-description" lang="es">(.*?)</p>', body, re.S).group(1)) == LONG["es"]
    assert Photo.objects.get(pk=photo.pk).suggested_alt == ALT["en"]  # nothing stored changed, nothing rerun


def test_accepting_keeps_the_rendering_and_its_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    photo = described_photo(user)
    logged_in.post(reverse("photos:detail", args=[photo.pk]), {"action": "accept", "alt_text": ""})
    photo.refresh_from_db()
    assert (photo.accepted_alt, photo.accepted_alt_lang, photo.alt_source) == (ALT["de"], "de", "accepted")
    # Switching to French later: the accepted German text stays, marked German on an English page.
    Profile.objects.filter(user=user).update(alt_text_language="fr")
    body = page(logged_in, photo)
    assert re.search(rf'<span lang="de">{re.escape(ALT["de"])}</span>', body)
    snippet = html.unescape(re.search(r'<textarea id="snippet" readonly rows="3">(.*?)</textarea>', body).group(1))
    assert snippet == f'<img src="park.jpg" alt="{ALT["de"]}" lang="de">'


def test_a_written_text_is_stored_in_the_alt_text_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="es")
    photo = described_photo(user)
    logged_in.post(reverse("photos:detail", args=[photo.pk]), {"action": "edit", "alt_text": "Un perro con su dueña"})
    photo.refresh_from_db()
    assert (photo.accepted_alt, photo.accepted_alt_lang, photo.alt_source) == ("Un perro con su dueña", "es", "edited")


def test_a_photo_stored_before_plans_shows_its_english_text_as_english(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    photo = described_photo(user, with_plan=False)
    choose_ui(logged_in, "de")
    body = page(logged_in, photo)
    suggestion = re.search(r'<p class="suggestion" lang="en">(.*?)</p>', body, re.S)
    assert suggestion and text_of(suggestion.group(1)) == ALT["en"]


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_the_regions_boxes_keep_css_numbers_in_every_language(logged_in, user, lang: str) -> None:  # noqa: ANN001
    # Django formats numbers for the interface language ("22,64" in German): CSS needs "22.64".
    photo = described_photo(user)
    choose_ui(logged_in, lang)
    styles = re.findall(r'data-highlight="\d+" style="([^"]*)"', page(logged_in, photo))
    assert styles and all(re.fullmatch(r"(\w+: \d+(\.\d+)?%; ?){4}", s.strip() + " ") for s in styles), styles
