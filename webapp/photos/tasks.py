"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from webapp.photos import services
from webapp.photos.files import StorageUnavailable

# A busy or unreachable database (SQLite locked past its timeout, a PostgreSQL failover) or object
# storage (an S3 endpoint restarting) is not the task's fault: retry with capped exponential backoff
# and jitter. For idempotent tasks only; if every retry fails the sweeper re-sends the work (for
# segment_photo the row is still 'queued'/'processing'). Other apps' tasks use the same options.
RETRY_TRANSIENT: dict[str, Any] = {
    "autoretry_for": (OperationalError, InterfaceError, StorageUnavailable),
    "retry_backoff": 1,
    "retry_backoff_max": settings.PHOTO_DB_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": settings.PHOTO_DB_RETRIES,
}


@shared_task(name="photos.segment_photo", **RETRY_TRANSIENT)
def segment_photo(photo_id: int) -> str:
    return services.process_photo(photo_id)


@worker_process_init.connect
def _load_model(**_: object) -> None:
    """Load the model when a worker process starts (in the child, never the forking parent),
    so the log says at once which model runs or why none can."""
    from segmentation.registry import WeightsUnavailable
    from webapp.photos import pipeline

    try:
        pipeline.get_segmenter()
    except (WeightsUnavailable, pipeline.SegmenterSettingError):
        pass  # already logged as an error; each photo is marked failed with the same message
