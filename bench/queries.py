"""Queries and time per page for a 60-photo library (Django test client, CaptureQueriesContext)."""
import os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
import django
django.setup()
from django.test.utils import setup_test_environment, CaptureQueriesContext
setup_test_environment()
from django.db import close_old_connections, connection
from django.core.signals import request_finished, request_started
# As Django's TestCase does: one connection for the whole run, so every query is captured.
request_started.disconnect(close_old_connections)
request_finished.disconnect(close_old_connections)
from django.test.runner import DiscoverRunner
runner = DiscoverRunner(verbosity=0)
old = runner.setup_databases()
import tempfile
from django.conf import settings
settings.MEDIA_ROOT = tempfile.mkdtemp()
settings.ALLOWED_HOSTS = ["*"]
from django.contrib.auth import get_user_model
from django.test import Client
sys.path.insert(0, ".")
from tests.webapp.stored import stored_photo
from webapp.accounts.models import ApiToken
from webapp.photos import services
user = get_user_model().objects.create_user("bench", password="x" * 20)
photos = [stored_photo(user, f"p{i}.jpg", ("dog", "person", "car")) for i in range(60)]
for p in photos[:20]:
    services.review_alt(p, action="accept")
raw = ApiToken.issue(user, "bench")[1]
c = Client()
c.force_login(user)
H = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
pages = [
    ("library /", lambda: c.get("/")),
    ("photo /photos/N/", lambda: c.get(f"/photos/{photos[5].pk}/")),
    ("search /search/?q=dog", lambda: c.get("/search/", {"q": "dog"})),
    ("status /photos/status/", lambda: c.get("/photos/status/", {"ids": ",".join(str(p.pk) for p in photos[:20])})),
    ("api list /api/photos/", lambda: c.get("/api/photos/", **H)),
    ("api photo /api/photos/N/", lambda: c.get(f"/api/photos/{photos[5].pk}/", **H)),
    ("api search /api/search/?q=dog", lambda: c.get("/api/search/", {"q": "dog"}, **H)),
]
for name, fn in pages:
    fn()
    with CaptureQueriesContext(connection) as q:
        r = fn()
    n = len(q.captured_queries)
    writes = sum(1 for x in q.captured_queries if x["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")))
    t = time.perf_counter()
    for _ in range(5):
        fn()
    ms = (time.perf_counter() - t) / 5 * 1000
    print(f"{name:32s} status={r.status_code} queries={n:3d} writes={writes} bytes={len(r.content):7d} {ms:6.1f} ms")
runner.teardown_databases(old)
