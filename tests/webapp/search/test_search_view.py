"""The search page ``/search/?q=`` (session login)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_needs_login(client) -> None:  # noqa: ANN001
    response = client.get("/search/?q=dog")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_route_without_slash_redirects(logged_in) -> None:  # noqa: ANN001
    response = logged_in.get("/search?q=dog")
    assert response.status_code == 301 and response["Location"] == "/search/?q=dog"


def test_results_show_thumbnails_with_alt_text_and_the_count(client, imported) -> None:  # noqa: ANN001
    client.force_login(imported)
    response = client.get(reverse("search:search"), {"q": "two people"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="search-q">' in html and 'id="search-q"' in html
    assert re.search(r'id="search-status" role="status"[^>]*>2 photos found<', html)
    cards = response.context["result"].hits
    assert {h.photo.original_name for h in cards} == {"000000442450.jpg", "000000488571.jpg"}
    for hit in cards:
        assert f'src="{reverse("photos:thumb", args=[hit.photo.pk])}" alt="{hit.photo.thumbnail_alt}"' in html
    assert "Showing photos with exactly 2 people." in html


def test_empty_page_has_the_live_region_ready(logged_in) -> None:  # noqa: ANN001
    html = logged_in.get("/search/").content.decode()
    assert 'id="search-status" role="status"' in html
    assert html.count("<h1") == 1


def test_pages_are_linked_in_a_labelled_nav(client, imported) -> None:  # noqa: ANN001
    client.force_login(imported)
    from webapp.search import services

    services.PER_PAGE, old = 4, services.PER_PAGE
    try:
        first = client.get("/search/", {"q": "no bicycles"}).content.decode()
        second = client.get("/search/", {"q": "no bicycles", "page": "2"}).content.decode()
        odd = client.get("/search/", {"q": "no bicycles", "page": "x"})
    finally:
        services.PER_PAGE = old
    assert 'aria-label="Search result pages"' in first and "page=2" in first
    assert "Page 2 of 3" in second and "10 photos found, page 2 of 3" in second
    assert odd.status_code == 200


def test_bad_query_is_a_400_with_the_message(logged_in) -> None:  # noqa: ANN001
    response = logged_in.get("/search/", {"q": "at least dogs"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs a number" in html and 'aria-invalid="true"' in html


def test_did_you_mean_links_the_corrected_search(client, imported) -> None:  # noqa: ANN001
    client.force_login(imported)
    html = client.get("/search/", {"q": "elefants"}).content.decode()
    assert 'href="/search/?q=elephants"' in html or 'href="/search/?q=elephant"' in html


def test_a_german_reader_reads_what_search_understood_in_german(client, imported) -> None:  # noqa: ANN001
    client.force_login(imported)
    for query in ("two people", "zwei Personen", "deux personnes"):
        response = client.get(reverse("search:search"), {"q": query}, HTTP_ACCEPT_LANGUAGE="de")
        html = response.content.decode()
        assert '<html lang="de">' in html
        assert re.search(r'id="search-explanation">[^<]*<span>genau 2 Personen</span>', html), query
        assert {h.photo.original_name for h in response.context["result"].hits} == {
            "000000442450.jpg",
            "000000488571.jpg",
        }
    response = client.get(reverse("search:search"), {"q": "au moins chiens"}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "„au moins“ braucht eine Zahl, zum Beispiel „au moins 2 chiens“." in response.content.decode()
