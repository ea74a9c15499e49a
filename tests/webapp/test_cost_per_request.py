"""Cost per request (issue 17): the database queries of the library, photo, search, status and API
pages are bounded and do not grow with the library (no N+1), and an authenticated read writes
nothing (the token's ``last_used_at`` is touched at most once per ``TOKEN_TOUCH_INTERVAL``).
Upper bounds, counted with ``CaptureQueriesContext``; ``bench/queries.py`` prints the same figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.webapp.stored import bearer, stored_photo, token  # noqa: F401 - token is a fixture
from webapp.accounts.models import ApiToken
from webapp.photos import services

pytestmark = pytest.mark.django_db

WRITES = ("UPDATE", "INSERT", "DELETE")
# page → the most queries it may make (session, user, then its own). Pages that show alt text
# read the account's alt text language once (issue 18: one indexed row, "+ language" below).
BOUNDS = {
    "library": 5,  # session, user, count, one page of photos (with their plans) + language
    "photo": 6,  # session, user, the photo, the next and previous photo + language
    "search": 7,
    "status": 4,
    "api list": 4,  # token+user, photos, their objects (prefetched) + language (none with ?lang=)
    "api photo": 4,
    "api search": 6,
}


def requests_of(client, photo_id: int, raw: str) -> dict:  # noqa: ANN001
    return {
        "library": lambda: client.get("/"),
        "photo": lambda: client.get(f"/photos/{photo_id}/"),
        "search": lambda: client.get("/search/", {"q": "dog"}),
        "status": lambda: client.get("/photos/status/", {"ids": f"{photo_id},{photo_id + 1}"}),
        "api list": lambda: client.get("/api/photos/", **bearer(raw)),
        "api photo": lambda: client.get(f"/api/photos/{photo_id}/", **bearer(raw)),
        "api search": lambda: client.get("/api/search/", {"q": "dog"}, **bearer(raw)),
    }


def measure(request) -> tuple[int, int]:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200, response.content[:300]
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    return len(sql), sum(s.startswith(WRITES) for s in sql)


def test_queries_per_page_are_bounded_and_flat(client, user, token) -> None:  # noqa: ANN001, F811
    photos = [stored_photo(user, f"p{i}.jpg", ("dog", "person")) for i in range(3)]
    services.review_alt(photos[0], action="accept")
    client.force_login(user)
    small = {}
    for page, request in requests_of(client, photos[1].pk, token).items():
        request()  # warm: the token's first use is written once
        small[page] = measure(request)
    photos += [stored_photo(user, f"q{i}.jpg", ("dog", "car", "cat")) for i in range(9)]
    for page, request in requests_of(client, photos[1].pk, token).items():
        count, writes = measure(request)
        assert count <= BOUNDS[page], (page, count)
        assert count == small[page][0], f"{page}: {small[page][0]} queries with 3 photos, {count} with 12 (N+1)"
        assert writes == 0, f"{page} writes on a read"


def test_a_token_is_touched_at_most_once_per_interval(client, user, token, settings) -> None:  # noqa: ANN001, F811
    settings.TOKEN_TOUCH_INTERVAL = 300
    stored = ApiToken.objects.get(user=user)
    assert stored.last_used_at is None
    first = measure(lambda: client.get("/api/photos/", **bearer(token)))
    touched = ApiToken.objects.get(pk=stored.pk).last_used_at
    assert first[1] == 1 and touched is not None
    for _ in range(3):
        assert measure(lambda: client.get("/api/photos/", **bearer(token)))[1] == 0
    assert ApiToken.objects.get(pk=stored.pk).last_used_at == touched
    # Past the interval: touched again, once.
    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=timezone.now() - timedelta(seconds=301))
    assert measure(lambda: client.get("/api/photos/", **bearer(token)))[1] == 1
    assert ApiToken.objects.get(pk=stored.pk).last_used_at > touched
