"""The WSGI entry point (gunicorn ``webapp.wsgi:application``): the web server only."""

from __future__ import annotations

import gc
import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
application = get_wsgi_application()
# Process-wide and kept across gunicorn's fork: why, in settings.WEB_GIL_SWITCH_INTERVAL_US.
sys.setswitchinterval(settings.WEB_GIL_SWITCH_INTERVAL_US / 1_000_000)


def warm_up() -> None:
    """Build now what the first requests would otherwise build while users wait (bench/load.py's
    warm-up window): every view module and the API (the URL resolver), the interface catalogues of
    every language, each language's search tables (~70 ms) and the main page templates."""
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    from webapp.search.vocabulary import search_words

    get_resolver().url_patterns  # noqa: B018 - imports every view, the API and its schemas
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Photos")  # loads the catalogue
        search_words(code)
    for name in ("base.html", "photos/library.html", "photos/detail.html", "search/search.html"):
        get_template(name)


warm_up()
# Everything loaded so far lives as long as the process: move it out of the garbage collector's
# sight, so a full collection under load scans only what requests made (about 60 ms for the
# ~120,000 objects of the loaded app otherwise, every few seconds at 40 requests/s: a stall for
# every request in flight in that worker, seen as periodic p95 spikes in bench/load.py).
gc.collect()
gc.freeze()
