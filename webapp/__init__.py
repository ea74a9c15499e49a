"""Django project for the alt-text app. Importing the Celery app here makes ``@shared_task``
use it in every process that loads Django."""

from __future__ import annotations

from webapp.celery import app as celery_app

__all__ = ["celery_app"]
