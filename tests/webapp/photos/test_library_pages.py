"""The library is paginated (issue 17 item 5): PAGE_SIZE photos a page, newest first, with an
accessible page nav (plain links, aria-current, rel prev/next); the API list takes the same size."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings

from tests.conftest import jpeg_bytes
from tests.webapp.stored import bearer, token  # noqa: F401 - token is a fixture
from webapp.photos import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(user) -> list[int]:  # noqa: ANN001
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(7)]
    return [o.photo.pk for o in services.create_photos(user, files)][::-1]  # newest first


def cards(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-photo-id="(\d+)"', html)]


def test_pages_split_the_library_newest_first(logged_in, seven, settings) -> None:  # noqa: ANN001
    settings.PAGE_SIZE = 3
    first = logged_in.get("/").content.decode()
    assert cards(first) == seven[:3]
    assert "(7 photos, page 1 of 3)" in first
    nav = re.search(r'<nav class="pager pagination" aria-label="Library pages">.*?</nav>', first, re.S).group(0)
    assert '<a aria-current="page" href="?page=1">Page 1' in nav
    assert 'href="?page=2" rel="next"' in nav and 'rel="prev"' not in nav
    middle = logged_in.get("/", {"page": 2}).content.decode()
    assert cards(middle) == seven[3:6]
    assert 'href="?page=1" rel="prev"' in middle and 'href="?page=3" rel="next"' in middle
    assert cards(logged_in.get("/", {"page": 3}).content.decode()) == seven[6:]


@pytest.mark.parametrize(("page", "expected"), [("99", 2), ("9223372036854775808", 2), ("x", 0), ("-1", 2), ("", 0)])
def test_odd_page_numbers_show_a_real_page(logged_in, seven, settings, page: str, expected: int) -> None:  # noqa: ANN001
    settings.PAGE_SIZE = 3
    response = logged_in.get("/", {"page": page})
    assert response.status_code == 200
    assert cards(response.content.decode()) == seven[expected * 3 : expected * 3 + 3]


def test_one_page_has_no_nav(logged_in, seven) -> None:  # noqa: ANN001
    html = logged_in.get("/").content.decode()
    assert len(cards(html)) == 7 and "Library pages" not in html


def test_the_api_list_shares_the_page_size(client, user, seven, token) -> None:  # noqa: ANN001, F811
    listed = client.get("/api/photos/", **bearer(token)).json()["photos"]
    assert [p["id"] for p in listed] == seven[: django_settings.PAGE_SIZE]
    too_many = client.get("/api/photos/", {"limit": django_settings.PAGE_SIZE_MAX + 1}, **bearer(token))
    assert too_many.status_code == 400
    assert client.get("/api/photos/", {"limit": django_settings.PAGE_SIZE_MAX}, **bearer(token)).status_code == 200
