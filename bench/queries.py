"""Cost per request of the library, photo, search, status and API pages, in-process: database
queries (and writes) per request, bytes, and mean milliseconds over 20 requests, for one user with
PHOTOS photos (a third reviewed). Django's test client and ``CaptureQueriesContext`` on a
throw-away test database; no server, no network.

    python bench/queries.py [PHOTOS]

Run it on two checkouts to compare (the README's figures: before/after issue 17)."""

from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

WRITES = ("UPDATE", "INSERT", "DELETE")


def main(count: int) -> None:
    setup_test_environment()
    # As Django's TestCase: one connection for the whole run, so every query is captured.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    runner = DiscoverRunner(verbosity=0)
    databases = runner.setup_databases()
    settings.MEDIA_ROOT = tempfile.mkdtemp()
    try:
        from tests.webapp.stored import stored_photo
        from webapp.accounts.models import ApiToken
        from webapp.photos import services

        user = get_user_model().objects.create_user("bench", password="a long bench passphrase")
        photos = [stored_photo(user, f"p{i}.jpg", ("dog", "person", "car")) for i in range(count)]
        for photo in photos[: count // 3]:
            services.review_alt(photo, action="accept")
        raw = ApiToken.issue(user, "bench")[1]
        client = Client()
        client.force_login(user)
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        some = ",".join(str(p.pk) for p in photos[:20])
        pages = [
            ("library /", lambda: client.get("/")),
            ("photo /photos/N/", lambda: client.get(f"/photos/{photos[5].pk}/")),
            ("search /search/?q=dog", lambda: client.get("/search/", {"q": "dog"})),
            ("status /photos/status/?ids=20", lambda: client.get("/photos/status/", {"ids": some})),
            ("api list /api/photos/", lambda: client.get("/api/photos/", **bearer)),
            ("api photo /api/photos/N/", lambda: client.get(f"/api/photos/{photos[5].pk}/", **bearer)),
            ("api search /api/search/?q=dog", lambda: client.get("/api/search/", {"q": "dog"}, **bearer)),
        ]
        print(f"{count} photos; Django {django.get_version()}; {settings.DATABASES['default']['ENGINE']}")
        for name, request in pages:
            request()  # warm: templates compiled, token touched once
            with CaptureQueriesContext(connection) as queries:
                response = request()
            sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
            writes = sum(s.startswith(WRITES) for s in sql)
            started = time.perf_counter()
            for _ in range(20):
                request()
            ms = (time.perf_counter() - started) / 20 * 1000
            print(
                f"{name:32s} {response.status_code} queries={len(sql):2d} writes={writes} "
                f"bytes={len(response.content):7d} {ms:6.1f} ms"
            )
    finally:
        runner.teardown_databases(databases)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
