from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from tests.conftest import BUS_PHOTO, DEV_MODEL
from tests.webapp.conftest import upload_file
from webapp.photos import pipeline, services
from webapp.photos.models import DetectedObject, Photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(user):
    return services.create_photos(user, [upload_file(BUS_PHOTO)])[0].photo


def test_process_twice_leaves_one_result(photo, real_segmenter):
    assert services.process_photo(photo.pk) == "done"
    first = list(DetectedObject.objects.filter(photo=photo).values_list("label", "index"))
    # a redelivered message for a finished photo changes nothing
    assert services.process_photo(photo.pk) == "done"
    # and a forced rerun replaces rather than adds
    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PROCESSING)
    assert services.process_photo(photo.pk) == "done"
    photo.refresh_from_db()
    assert list(DetectedObject.objects.filter(photo=photo).values_list("label", "index")) == first
    assert photo.attempts == 2
    assert photo.result["instances"]["model"] == DEV_MODEL


def test_missing_weights_marks_failed_with_instructions(photo, settings, tmp_path, monkeypatch, segmenter_restored):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("SEGMENTER_WEIGHTS", raising=False)
    settings.SEGMENTER, settings.SEGMENTER_WEIGHTS = "auto", None
    pipeline.reset_segmenter()  # the session's model is put back after the test
    assert services.process_photo(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.status_message.startswith("No model weights are installed")
    assert photo.failure_reason == Photo.FailureReason.NO_WEIGHTS
    assert "SEGMENTER_WEIGHTS" in photo.status_message
    assert not photo.suggested_alt


def test_missing_file_is_rejected(photo, real_segmenter):
    default_storage.delete(photo.image)
    assert services.process_photo(photo.pk) == "rejected"


def test_unknown_photo_is_ignored(db):
    assert services.process_photo(987654) == "missing"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
        ("a\x00b\nc.jpg", "abc.jpg"),
        ("", "photo"),
        ("x" * 300 + ".jpeg", "x" * 249 + "….jpeg"),
    ],
)
def test_clean_filename(name, expected):
    assert services.clean_filename(name) == expected
    assert len(services.clean_filename(name)) <= 255


# --- Reliability: attempts, dead-lettering, the sweeper, a broker that refuses ------------------


def age(photo: Photo, seconds: float, **fields: object) -> None:
    """Move a photo's clocks back, as if it had been queued/started ``seconds`` ago."""
    from datetime import timedelta

    from django.utils import timezone

    then = timezone.now() - timedelta(seconds=seconds)
    Photo.objects.filter(pk=photo.pk).update(enqueued_at=then, started_at=then, created_at=then, **fields)


def test_redelivery_of_a_dead_worker_counts_and_dead_letters(photo, settings):
    settings.PHOTO_MAX_ATTEMPTS = 3
    # Three deliveries started and never finished (the worker died each time)...
    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PROCESSING, attempts=3)
    # ...so the fourth delivery sets the photo aside instead of running it again.
    assert services.process_photo(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.attempts == 3 and photo.status == Photo.Status.FAILED
    assert photo.status_message.startswith("Set aside after 3 attempts")
    assert "worker lost" in photo.status_message and "Try again" in photo.status_message
    assert photo.failure_reason == Photo.FailureReason.DEAD_LETTERED
    assert not DetectedObject.objects.filter(photo=photo).exists()
    # A late duplicate of the message changes nothing.
    assert services.process_photo(photo.pk) == "failed"
    photo.refresh_from_db()
    assert photo.attempts == 3


def test_try_again_gives_a_dead_lettered_photo_a_fresh_budget(photo, settings, processing):
    Photo.objects.filter(pk=photo.pk).update(
        status=Photo.Status.FAILED, attempts=3, status_message="Set aside", failure_reason="dead_lettered"
    )
    with processing():
        services.retry(photo)
    photo.refresh_from_db()
    assert photo.status == Photo.Status.DONE and photo.attempts == 1 and photo.last_error == ""
    assert photo.failure_reason == ""


def test_a_redelivered_processing_photo_records_why_and_runs(photo, real_segmenter):
    Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PROCESSING, attempts=1)
    assert services.process_photo(photo.pk) == "done"
    photo.refresh_from_db()
    assert photo.attempts == 2 and photo.last_error == ""  # cleared by the successful run


def test_sweeper_resends_stale_queued_and_requeues_stale_processing(photo, user, settings, processing):
    settings.PHOTO_QUEUED_TIMEOUT, settings.PHOTO_PROCESSING_TIMEOUT = 60, 120
    stuck = services.create_photos(user, [upload_file(BUS_PHOTO, "stuck.jpg")])[0].photo
    fresh = services.create_photos(user, [upload_file(BUS_PHOTO, "fresh.jpg")])[0].photo
    age(photo, 61)  # queued, its message lost
    age(stuck, 121, status=Photo.Status.PROCESSING, attempts=1)  # its worker died
    with processing():
        report = services.sweep_stale()
    assert sorted(report.requeued) == sorted([photo.pk, stuck.pk]) and report.dead_lettered == []
    for p in (photo, stuck):
        p.refresh_from_db()
        assert p.status == Photo.Status.DONE
    assert stuck.attempts == 2
    fresh.refresh_from_db()
    assert fresh.status == Photo.Status.QUEUED  # not stale yet: left alone


def test_sweeper_dead_letters_after_max_attempts(photo, settings):
    settings.PHOTO_MAX_ATTEMPTS, settings.PHOTO_PROCESSING_TIMEOUT = 2, 100
    age(photo, 101, status=Photo.Status.PROCESSING, attempts=2)
    report = services.sweep_stale()
    assert report.dead_lettered == [photo.pk] and report.requeued == []
    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED
    assert photo.status_message.startswith("Set aside after 2 attempts")
    assert "no word from the worker for 100 s" in photo.last_error


def test_sweeper_is_safe_to_run_twice_and_concurrently(photo, settings, monkeypatch):
    settings.PHOTO_QUEUED_TIMEOUT = 60
    age(photo, 61)
    sent: list[int] = []
    monkeypatch.setattr(services, "send_to_worker", lambda pk: sent.append(pk) or True)
    # Two sweepers judged the same stale row; only the first compare-and-set wins.
    original = photo.enqueued_at
    first, second = services.sweep_stale(), services.sweep_stale()
    assert first.requeued == [photo.pk] and second.requeued == [] and sent == [photo.pk]
    # A sweeper that read the row before the other one claimed it cannot claim it again.
    photo.refresh_from_db()
    assert photo.enqueued_at != original
    assert Photo.objects.filter(pk=photo.pk, enqueued_at=original).update(enqueued_at=original) == 0


def test_broker_down_upload_succeeds_and_the_sweeper_sends_it_later(user, settings, monkeypatch, processing):
    from kombu.exceptions import OperationalError

    from webapp.photos import tasks

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.segment_photo, "delay", refuse)
    with processing():
        outcome = services.create_photos(user, [upload_file(BUS_PHOTO)])[0]
    assert outcome.photo is not None and not outcome.error
    photo = Photo.objects.get(pk=outcome.photo.pk)
    assert photo.status == Photo.Status.QUEUED  # the row is the outbox

    settings.PHOTO_QUEUED_TIMEOUT = 60
    age(photo, 61)
    assert services.sweep_stale().requeued == []  # still down: the old send time is kept...
    photo.refresh_from_db()
    assert services.sweep_stale().requeued == []  # ...so every sweep tries again
    monkeypatch.undo()
    with processing():
        assert services.sweep_stale().requeued == [photo.pk]
    photo.refresh_from_db()
    assert photo.status == Photo.Status.DONE


def test_sweep_command(photo, settings, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    settings.PHOTO_QUEUED_TIMEOUT = 60
    age(photo, 61)
    monkeypatch.setattr(services, "send_to_worker", lambda pk: True)
    out = StringIO()
    call_command("sweep", stdout=out)
    assert out.getvalue().strip() == "requeued 1, dead-lettered 0"


def test_the_task_retries_when_the_database_is_busy():
    from django.db import OperationalError

    from webapp.photos.tasks import segment_photo

    assert OperationalError in segment_photo.autoretry_for
    assert segment_photo.max_retries >= 3 and segment_photo.retry_backoff
