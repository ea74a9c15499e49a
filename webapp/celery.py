"""The Celery app: Redis broker from ``REDIS_URL``; every ``CELERY_*`` setting (with its reason)
is in ``webapp/settings.py``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
