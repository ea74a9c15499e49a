"""The search page's thumbnails in the account's alt text language (issue 18), rendered from the
plans read with the page of results (no query per photo), ``lang`` where not the page's."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.webapp.described import ALT, described_photo
from tests.webapp.stored import bearer, token  # noqa: F401 - a fixture for these tests
from webapp.accounts.models import Profile
from webapp.search.services import index_photo

pytestmark = pytest.mark.django_db


def search(client) -> tuple[list[tuple[str, str]], int]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("search:search"), {"q": "dog"}).content.decode()
    imgs = re.findall(r'<img src="/photos/\d+/thumb/" alt="([^"]*)"( lang="\w+")?', body)
    return [(alt, lang.strip()) for alt, lang in imgs], len(queries)


def test_thumbnails_in_the_alt_text_language_without_a_query_each(logged_in, user) -> None:  # noqa: ANN001
    Profile.objects.create(user=user, alt_text_language="de")
    index_photo(described_photo(user, "a.jpg"))
    few, queries_few = search(logged_in)
    assert few == [(ALT["de"], 'lang="de"')]
    for name in ("b.jpg", "c.jpg", "d.jpg"):
        index_photo(described_photo(user, name))
    many, queries_many = search(logged_in)
    assert many == [(ALT["de"], 'lang="de"')] * 4
    assert queries_many == queries_few


def test_the_search_api_answers_in_the_asked_language(client, user, token: str) -> None:  # noqa: ANN001, F811
    index_photo(described_photo(user, "a.jpg"))
    hits = client.get("/api/search/", {"q": "dog", "lang": "fr"}, **bearer(token)).json()["results"]
    assert [(h["alt_text"], h["alt_lang"]) for h in hits] == [(ALT["fr"], "fr")]
    refused = client.get("/api/search/", {"q": "dog", "lang": "xx"}, **bearer(token))
    assert refused.status_code == 400 and refused.json()["code"] == "unsupported_language"
