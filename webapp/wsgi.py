"""The WSGI entry point (gunicorn ``webapp.wsgi:application``): the web server only."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
application = get_wsgi_application()
# Process-wide and kept across gunicorn's fork: why, in settings.WEB_GIL_SWITCH_INTERVAL_US.
sys.setswitchinterval(settings.WEB_GIL_SWITCH_INTERVAL_US / 1_000_000)
