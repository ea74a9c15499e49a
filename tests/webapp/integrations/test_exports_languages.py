"""Exports in the chosen alt text language (issue 18): the account's setting on the export page,
``?lang=`` on its downloads and the API; a person's text stays in its own language and the HTML
says which language each text is in."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from tests.webapp.described import ALT, described_photo
from tests.webapp.stored import bearer, token  # noqa: F401 - a fixture for these tests
from webapp.accounts.models import Profile
from webapp.photos import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def photos(user):  # noqa: ANN001, ANN201
    described_photo(user, "suggested.jpg")
    mine = described_photo(user, "mine.jpg")
    services.review_alt(mine, action="edit", text="Ein Hund und sein Mensch im Park", lang="de")


def download(client, fmt: str, **query: str) -> str:  # noqa: ANN001
    response = client.get(reverse("integrations:export-download", args=[fmt]), query)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_the_page_downloads_use_the_accounts_language(logged_in, user, photos) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="fr")
    rows = {r["file"]: r for r in csv.DictReader(io.StringIO(download(logged_in, "csv")))}
    assert (rows["suggested.jpg"]["alt"], rows["suggested.jpg"]["alt_lang"]) == (ALT["fr"], "fr")
    assert (rows["suggested.jpg"]["alt_text"], rows["suggested.jpg"]["lang"]) == (ALT["fr"], "fr")
    assert (rows["mine.jpg"]["alt"], rows["mine.jpg"]["alt_lang"]) == ("Ein Hund und sein Mensch im Park", "de")
    records = {p["file"]: p for p in json.loads(download(logged_in, "json"))["photos"]}
    assert records["suggested.jpg"]["alt_text"] == ALT["fr"]
    assert records["mine.jpg"]["accepted_alt_text_lang"] == "de"


def test_html_says_the_language_of_each_text(logged_in, user, photos) -> None:  # noqa: ANN001
    page = download(logged_in, "html", lang="es")
    assert '<html lang="en">' in page  # the page's own words
    assert '<ul lang="es">' in page
    imgs = {re.search(r'src="([^"]+)"', i).group(1): i for i in re.findall(r"<img [^>]*>", page)}
    assert f'alt="{ALT["es"]}" data-photo-id' in imgs["suggested.jpg"]  # in the list's language
    assert 'alt="Ein Hund und sein Mensch im Park" lang="de"' in imgs["mine.jpg"]


def test_an_unsupported_lang_is_refused(logged_in, photos) -> None:  # noqa: ANN001
    response = logged_in.get(reverse("integrations:export-download", args=["csv"]), {"lang": "xx"})
    assert response.status_code == 400 and "en, de, fr, es" in response.content.decode()


def test_the_api_export_takes_lang(client, user, token: str, photos) -> None:  # noqa: ANN001, F811
    response = client.get("/api/export/", {"format": "json", "lang": "de"}, **bearer(token))
    records = {p["file"]: p for p in response.json()["photos"]}
    assert (records["suggested.jpg"]["alt_text"], records["suggested.jpg"]["lang"]) == (ALT["de"], "de")
