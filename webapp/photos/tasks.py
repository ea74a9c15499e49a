"""Celery tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init

from webapp.photos import services


@shared_task(name="photos.segment_photo")
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
    except WeightsUnavailable:
        pass  # already logged as an error; each photo is marked failed with the same message
