"""Issue 7: the worker batches queued photos (``SEGMENTER_BATCH_SIZE``) with the real SSDLite
model in-process, and keeps each photo's failure its own."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, ROOT, SSDLITE_WEIGHTS
from tests.webapp.conftest import upload_file
from webapp.photos import files, pipeline, services
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db


def replace_stored(name: str, data: bytes) -> None:
    """Overwrite a stored file in place (through the storage: delete, then save the same name)."""
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(data)) == name


@pytest.fixture
def queued(user):
    """Four queued photos whose messages were never delivered (as while the worker is busy)."""
    files = [upload_file(BUS_PHOTO, "a.jpg"), upload_file(ELEPHANT_PHOTO, "b.jpg")]
    files += [upload_file(BUS_PHOTO, "c.jpg"), upload_file(ELEPHANT_PHOTO, "d.jpg")]
    return [o.photo for o in services.create_photos(user, files)]


def test_one_delivery_processes_a_batch_and_the_others_find_them_done(queued, settings, real_segmenter, monkeypatch):
    settings.SEGMENTER_BATCH_SIZE, settings.SEGMENTER_BATCH_WAIT_MS = 3, 0
    calls: list[int] = []
    infer = real_segmenter.infer
    monkeypatch.setattr(real_segmenter, "infer", lambda items: calls.append(len(items)) or infer(items))
    assert services.process_photo(queued[0].pk) == "done"
    assert calls == [3]  # one forward pass for the lead and two companions
    statuses = {p.pk: Photo.objects.get(pk=p.pk) for p in queued}
    assert [statuses[p.pk].status for p in queued] == ["done", "done", "done", "queued"]
    assert [statuses[p.pk].attempts for p in queued[:3]] == [1, 1, 1]
    # The companions' own messages change nothing; the fourth photo runs when its message comes.
    for photo in queued[1:3]:
        assert services.process_photo(photo.pk) == "done"
    assert calls == [3]
    assert services.process_photo(queued[3].pk) == "done"
    for photo in queued:
        photo.refresh_from_db()
        assert photo.attempts == 1 and photo.suggested_alt
        assert DetectedObject.objects.filter(photo=photo).count() == len(photo.result["description"]["objects"])
    # Batched results equal the ones a photo gets alone.
    alone = real_segmenter.segment_file(files.read_bytes(queued[1].image))
    assert queued[1].result["instances"]["labels"] == list(alone.labels)


def test_batch_size_auto_is_one_on_the_cpu(queued, settings, real_segmenter):
    settings.SEGMENTER_BATCH_SIZE = 0
    assert services.batch_size(real_segmenter) == 1
    assert services.process_photo(queued[0].pk) == "done"
    assert Photo.objects.filter(status=Photo.Status.QUEUED).count() == 3


def test_a_bad_photo_fails_alone_and_a_model_error_falls_back_one_by_one(queued, settings, real_segmenter, monkeypatch):
    settings.SEGMENTER_BATCH_SIZE, settings.SEGMENTER_BATCH_WAIT_MS = 4, 0
    replace_stored(queued[1].image, b"\xff\xd8\xff not a jpeg")
    poison = queued[2].image
    infer = real_segmenter.infer

    def flaky(items):
        if any(item.original_size == (poison_size[0], poison_size[1]) for item in items) and len(items) > 1:
            raise RuntimeError("batch failed")
        if len(items) == 1 and items[0].original_size == poison_size:
            raise RuntimeError("this photo breaks the model")
        return infer(items)

    from PIL import Image

    with Image.open(io.BytesIO(files.read_bytes(poison))) as image:
        smaller = io.BytesIO()
        image.resize((333, 222)).save(smaller, format="JPEG")
        replace_stored(poison, smaller.getvalue())
        poison_size = (333, 222)
    monkeypatch.setattr(real_segmenter, "infer", flaky)
    assert services.process_photo(queued[0].pk) == "done"
    final = {p.pk: Photo.objects.get(pk=p.pk) for p in queued}
    assert final[queued[0].pk].status == "done" and final[queued[3].pk].status == "done"
    assert final[queued[1].pk].status == "rejected"
    assert final[queued[2].pk].status == "failed" and "RuntimeError" in final[queued[2].pk].status_message
    assert final[queued[2].pk].failure_reason == Photo.FailureReason.MODEL_ERROR
    assert all(final[p.pk].attempts == 1 for p in queued)


def test_photos_with_history_are_neither_companions_nor_batched(queued, settings, real_segmenter):
    settings.SEGMENTER_BATCH_SIZE, settings.SEGMENTER_BATCH_WAIT_MS = 4, 0
    Photo.objects.filter(pk=queued[1].pk).update(last_error="attempt 1 stopped before finishing (worker lost)")
    Photo.objects.filter(pk=queued[2].pk).update(attempts=1)
    assert services.process_photo(queued[0].pk) == "done"
    statuses = [Photo.objects.get(pk=p.pk).status for p in queued]
    assert statuses == ["done", "queued", "queued", "done"]
    # A lead with history runs alone.
    assert services.process_photo(queued[2].pk) == "done"
    assert Photo.objects.get(pk=queued[1].pk).status == "queued"


def test_a_companion_held_by_a_live_batch_is_left_to_it_and_the_sweeper_recovers_a_dead_one(
    queued, settings, real_segmenter, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    settings.PHOTO_PROCESSING_TIMEOUT = 120
    companion = queued[1]
    # Claimed by another delivery's batch a moment ago (processing, not yet counted).
    Photo.objects.filter(pk=companion.pk).update(status=Photo.Status.PROCESSING, started_at=timezone.now())
    assert services.process_photo(companion.pk) == "processing"
    assert Photo.objects.get(pk=companion.pk).attempts == 0
    # That batch died: after the timeout the sweeper queues it again, and it runs, counted once.
    Photo.objects.filter(pk=companion.pk).update(started_at=timezone.now() - timedelta(seconds=121))
    monkeypatch.setattr(services, "send_to_worker", lambda pk: True)
    assert services.sweep_stale().requeued == [companion.pk]
    companion.refresh_from_db()
    assert companion.status == "queued" and companion.last_error.startswith("a batched run stopped")
    assert services.process_photo(companion.pk) == "done"
    companion.refresh_from_db()
    assert companion.attempts == 1 and companion.last_error == ""


def test_the_worker_parent_never_imports_torch():
    """Celery forks pool processes from the parent: it must not have touched CUDA (or torch)."""
    code = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings');"
        "import django; django.setup(); import webapp.celery, webapp.photos.tasks, webapp.photos.services;"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_speed_settings_reach_the_builder(settings):
    from segmentation.registry import build, options_for

    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS, settings.SEGMENTER_DEVICE = "maskrcnn_resnet50_fpn", None, "cpu"
    settings.SEGMENTER_OPTIONS = {"precision": "bf16", "channels_last": "1", "min_size": "640"}
    config = pipeline.segmenter_config()
    options, _ = options_for(config.backend, config.options)
    assert options.precision == "bf16" and options.channels_last is True and options.decode == "auto"
    assert options.min_size == 640 and options.max_size == 1333  # the builder's default
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "ssdlite320_mobilenet_v3_large", str(SSDLITE_WEIGHTS)
    settings.SEGMENTER_OPTIONS = {"min_size": "640", "decode": "auto"}
    config = pipeline.segmenter_config()
    assert "min_size" in options_for(config.backend, config.options)[1]  # not an SSDLite option
    assert build(config).decode == "pil"  # auto on the CPU
