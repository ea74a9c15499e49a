"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

from webapp.photos import services
from webapp.photos.files import StorageUnavailable


# A busy or unreachable database (SQLite locked past its timeout, a PostgreSQL failover) or object
# storage (an S3 endpoint restarting) is not the photo's fault: retry with capped exponential backoff
# and jitter. Safe because process_photo is idempotent; if every retry fails the row is still
# 'queued'/'processing' and the sweeper re-sends it.
@shared_task(
    name="photos.segment_photo",
    autoretry_for=(OperationalError, InterfaceError, StorageUnavailable),
    retry_backoff=1,
    retry_backoff_max=settings.PHOTO_DB_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.PHOTO_DB_RETRIES,
)
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
