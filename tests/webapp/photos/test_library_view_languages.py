"""The library and its status polling in the account's alt text language (issue 18): each
thumbnail's alt and preview rendered from the stored plan (one query for the page, no masks
read), marked with ``lang`` when not the page's; a person's text in its own language."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.webapp.described import ALT, described_photo
from webapp.accounts.models import Profile
from webapp.photos import services

pytestmark = pytest.mark.django_db


def cards(body: str) -> dict[str, tuple[str, str, str]]:
    """``{file name: (img alt, img lang, preview lang)}`` of the library's cards."""
    out = {}
    for card in re.findall(r'<li class="photo-card".*?</li>', body, re.S):
        name = re.search(r"<h3><a [^>]*>([^<]+)</a></h3>", card).group(1)
        img = re.search(r"<img [^>]*>", card).group(0)
        alt = re.search(r'alt="([^"]*)"', img).group(1)
        img_lang = re.search(r' lang="(\w+)"', img).group(1) if " lang=" in img else ""
        preview = re.search(r'<p class="alt-preview" data-alt([^>]*)>', card).group(1)
        preview_lang = re.search(r'lang="(\w+)"', preview).group(1) if "lang=" in preview else ""
        out[name] = (alt, img_lang, preview_lang)
    return out


def test_thumbnails_in_the_alt_text_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    described_photo(user, "one.jpg")
    mine = described_photo(user, "two.jpg")
    services.review_alt(mine, action="edit", text="A dog and its owner in the park", lang="en")
    with CaptureQueriesContext(connection) as few:
        body = logged_in.get(reverse("photos:library")).content.decode()
    for name in ("three.jpg", "four.jpg", "five.jpg"):
        described_photo(user, name)
    with CaptureQueriesContext(connection) as more:
        logged_in.get(reverse("photos:library"))
    assert len(more) == len(few)  # no query per photo: the plans come with the page
    assert cards(body) == {
        "one.jpg": (ALT["de"], "de", "de"),  # the page is English: the German text says so
        "two.jpg": ("A dog and its owner in the park", "", ""),
    }


def test_no_lang_when_the_page_is_in_the_same_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="fr")
    described_photo(user, "one.jpg")
    logged_in.post(reverse("set_language"), {"language": "fr", "next": "/"})
    body = logged_in.get(reverse("photos:library")).content.decode()
    assert cards(body) == {"one.jpg": (ALT["fr"], "", "")}


def test_polling_gives_the_alt_and_its_language(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="es")
    photo = described_photo(user)
    data = logged_in.get(reverse("photos:status"), {"ids": str(photo.pk)}).json()["photos"][0]
    assert (data["alt"], data["alt_lang"]) == (ALT["es"], "es")
