"""The overlay's words in the page's alt text language (issue 18): each region's sentence and
the overlay picture's alt say the nouns, hedge and places of that language's captioning words,
the share in the locale's percent format, and are marked with their language when it is not the
interface's (WCAG 3.1.2)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.webapp.described import described_photo
from webapp.accounts.models import Profile
from webapp.photos import overlay
from webapp.photos.results import read_result

pytestmark = pytest.mark.django_db

# Written from each language's grammar, not from the realisers' tables: the bare noun, the place
# ("unten links", "en bas à gauche", "abajo a la izquierda"), the share with the locale's
# percent sign (a space before it in German, French and Spanish; a narrow no-break one in French).
SENTENCES = {
    "en": ("1: dog, in the lower left, 6% of the photo", "2: person, on the right, 35% of the photo"),
    "de": ("1: Hund, unten links, 6\xa0% des Fotos", "2: Person, rechts, 35\xa0% des Fotos"),
    "fr": ("1\xa0: chien, en bas à gauche, 6\u202f% de la photo", "2\xa0: personne, à droite, 35\u202f% de la photo"),
    "es": ("1: perro, abajo a la izquierda, 6\xa0% de la foto", "2: persona, a la derecha, 35\xa0% de la foto"),
}
ALTS = {
    "en": "The photo with 2 numbered regions shaded in colour: 1 dog; 2 person.",
    "de": "Das Foto mit 2 nummerierten Bereichen, farbig hinterlegt: 1 Hund; 2 Person.",
    "fr": "La photo avec 2 zones numérotées, colorées : 1 chien ; 2 personne.",
    "es": "La foto con 2 zonas numeradas, sombreadas en color: 1 perro; 2 persona.",
}


def same_spaces(text: str) -> str:
    return re.sub(r"[\xa0\u202f ]", " ", text)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_region_sentences_and_overlay_alt_in_each_language(user, lang) -> None:  # noqa: ANN001
    result = read_result(described_photo(user).result).in_language(lang)
    regions = overlay.regions(result)
    assert [same_spaces(r.sentence) for r in regions] == [same_spaces(s) for s in SENTENCES[lang]]
    assert {r.lang for r in regions} == {lang}
    assert same_spaces(overlay.overlay_alt(regions, True)) == same_spaces(ALTS[lang])


def test_the_photo_page_says_the_regions_in_the_alt_text_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    photo = described_photo(user)
    body = html.unescape(logged_in.get(reverse("photos:detail", args=[photo.pk])).content.decode())
    # Interface in English, alt text in German: the region words are German, and marked so.
    links = re.findall(r'data-region-link="\d"( lang="de")?>([^<]+)</a>', body)
    assert [(mark, same_spaces(text)) for mark, text in links] == [
        (' lang="de"', same_spaces(s)) for s in SENTENCES["de"]
    ]
    alt = re.search(r'<img src="[^"]+/overlay[^"]*" alt="([^"]+)" lang="de"', body)
    assert alt and same_spaces(alt.group(1)) == same_spaces(ALTS["de"])
    # Interface in German too: nothing to mark.
    logged_in.post(reverse("set_language"), {"language": "de", "next": "/"})
    body = html.unescape(logged_in.get(reverse("photos:detail", args=[photo.pk])).content.decode())
    assert re.search(r'data-region-link="1">1: Hund, unten links, 6.% des Fotos</a>', body)
    section = body[body.index("data-regions-section") : body.index("</section>", body.index("data-regions-section"))]
    assert "lang=" not in section


def test_text_read_in_the_photo_and_small_shares(user) -> None:  # noqa: ANN001
    region = overlay.Region(
        number=3, index=-1, label="text", score=1.0, box=(0, 0, 1, 1), area_fraction=0.001, position="",
        possible=False, colour="#000000", text_colour="#ffffff", box_percent=(0, 0, 1, 1), from_masks=False,
        text="GLADYS", lang="de",
    )  # fmt: skip
    assert region.sentence == "3: Text: „GLADYS“"
    person = overlay.Region(
        number=2, index=1, label="person", score=0.4, box=(0, 0, 1, 1), area_fraction=0.004, position="centre",
        possible=True, colour="#000000", text_colour="#ffffff", box_percent=(0, 0, 1, 1), from_masks=False,
        lang="es",
    )  # fmt: skip
    assert (
        same_spaces(person.sentence)
        == "2: persona (posiblemente), en el centro, su recuadro cubre menos del 1 % de la foto"
    )
