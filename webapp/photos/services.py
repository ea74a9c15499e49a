"""Everything that changes a photo: upload, processing, review. Views and tasks only call these."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from captioning import Description
from segmentation.registry import WeightsUnavailable
from segmentation.result import Instances
from webapp.photos import pipeline, signals
from webapp.photos.models import DetectedObject, Photo
from webapp.photos.uploads import DECODE_ERRORS, UploadRejected, normalise_upload

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    photo: Photo | None = None
    error: str = ""


def clean_filename(name: str | None) -> str:
    """A display name: no folders, no control characters, bounded length."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "photo"
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, ext = base.rpartition(".")
        base = (
            (stem[: MAX_NAME_LENGTH - len(ext) - 2] + "…" + dot + ext)
            if dot and len(ext) <= 10
            else base[:MAX_NAME_LENGTH]
        )
    return base


def _write_media(relative: str, data: bytes) -> None:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


def create_photo(owner: Any, upload: UploadedFile) -> Photo:
    """Validate, re-encode and store one upload, and queue it once the transaction commits.

    Raises:
        UploadRejected: the file is not an acceptable photo (message for the person).
    """
    image = normalise_upload(
        upload, size=upload.size or 0, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS
    )
    photo = Photo(
        owner=owner,
        original_name=clean_filename(upload.name),
        width=image.width,
        height=image.height,
        enqueued_at=timezone.now(),
    )
    stem = f"photos/{owner.pk}/{timezone.now():%Y%m}"
    photo.image = f"{stem}/{_new_name()}.jpg"
    photo.thumbnail = f"{stem}/{_new_name()}_thumb.jpg"
    _write_media(photo.image, image.jpeg)
    _write_media(photo.thumbnail, image.thumbnail)
    photo.save()
    enqueue(photo)
    return photo


def _new_name() -> str:
    import uuid

    return uuid.uuid4().hex


def create_photos(owner: Any, uploads: list[UploadedFile]) -> list[UploadOutcome]:
    """One outcome per file, in order; a bad file never stops the others."""
    if len(uploads) > settings.UPLOAD_MAX_FILES:
        raise UploadRejected(f"You chose {len(uploads)} files; upload at most {settings.UPLOAD_MAX_FILES} at a time.")
    outcomes = []
    for upload in uploads:
        name = clean_filename(upload.name)
        try:
            with transaction.atomic():
                outcomes.append(UploadOutcome(name=name, photo=create_photo(owner, upload)))
        except UploadRejected as exc:
            outcomes.append(UploadOutcome(name=name, error=str(exc)))
    return outcomes


def enqueue(photo: Photo) -> None:
    """Send the photo to the worker after the row is committed, so the worker always finds it.

    The row is the outbox: if the broker cannot take the message (Redis down), the photo stays
    'queued' and the sweeper sends it again, so an upload never fails because of the queue."""
    photo_id = photo.pk
    transaction.on_commit(lambda: send_to_worker(photo_id))


def send_to_worker(photo_id: int) -> bool:
    """Publish one ``segment_photo`` message; ``False`` (logged) when the broker refused it."""
    from webapp.photos.tasks import segment_photo

    try:
        segment_photo.delay(photo_id)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper re-sends from the row
        log.warning("Could not queue photo %s (%r); the sweeper will send it again", photo_id, exc)
        return False
    return True


def retry(photo: Photo) -> None:
    """Queue a failed or rejected photo again, with a fresh budget of attempts."""
    now = timezone.now()
    Photo.objects.filter(pk=photo.pk).update(
        status=Photo.Status.QUEUED, status_message="", attempts=0, enqueued_at=now, updated_at=now
    )
    enqueue(photo)


def dead_letter_message(attempts: int, last_error: str) -> str:
    reason = last_error or "the worker stopped before finishing"
    return (
        f"Set aside after {attempts} attempt{'s' if attempts != 1 else ''}: processing this photo never finished "
        f"(last: {reason.rstrip('.')}). Try again, or upload another copy of the photo."
    )


def process_photo(photo_id: int) -> str:
    """Segment and describe one stored photo; the body of the ``segment_photo`` task.

    Safe to run twice (a redelivered message): a photo already done is left as it is, and a
    rerun replaces the suggestion and instances in one transaction, never the person's text.
    Never raises for a bad photo or a missing model: the photo is marked and the worker goes
    on. Returns the final status.
    """
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None:
            log.warning("Photo %s no longer exists; nothing to do", photo_id)
            return "missing"
        if photo.status not in {Photo.Status.QUEUED, Photo.Status.PROCESSING}:
            # Done, rejected, or failed (a person's "Try again" re-queues it): a duplicate message.
            return photo.status
        if photo.status == Photo.Status.PROCESSING:
            # Redelivered while marked processing: the delivery that set it never finished.
            photo.last_error = f"attempt {photo.attempts} stopped before finishing (worker lost)"
        if photo.attempts >= settings.PHOTO_MAX_ATTEMPTS:
            # The queue has no retry count; this row does. A photo that keeps killing its worker
            # is set aside here instead of looping forever.
            log.error("Photo %s dead-lettered after %s attempts: %s", photo_id, photo.attempts, photo.last_error)
            photo.status = Photo.Status.FAILED
            photo.status_message = dead_letter_message(photo.attempts, photo.last_error)
            photo.finished_at = timezone.now()
            photo.save(update_fields=["status", "status_message", "last_error", "finished_at", "updated_at"])
            return photo.status
        photo.status = Photo.Status.PROCESSING
        photo.attempts += 1
        photo.started_at = timezone.now()
        photo.status_message = ""
        photo.save(update_fields=["status", "attempts", "started_at", "status_message", "last_error", "updated_at"])

    try:
        analysis = pipeline.analyse(media_path(photo.image))
    except WeightsUnavailable as exc:
        return _finish(photo, Photo.Status.FAILED, f"No model weights are installed, so no alt text was written. {exc}")
    except FileNotFoundError:
        return _finish(photo, Photo.Status.REJECTED, "The stored image is missing; upload the photo again.")
    except DECODE_ERRORS as exc:
        log.warning("Photo %s cannot be decoded: %s", photo_id, exc)
        return _finish(photo, Photo.Status.REJECTED, "The image could not be decoded; upload it again.")
    except Exception as exc:  # noqa: BLE001 - a model crash must not take the worker with it
        log.exception("Photo %s failed", photo_id)
        return _finish(photo, Photo.Status.FAILED, f"The model failed on this photo ({type(exc).__name__}). Try again.")

    photo = store_result(photo_id, analysis.instances, analysis.description)
    log.info("Photo %s described by %s: %s", photo_id, photo.model_name, photo.suggested_alt)
    return photo.status


def store_result(photo_id: int, instances: Instances, description: Description) -> Photo:
    """Replace a photo's suggestion and instances with a new result, in one transaction, and
    mark it done. The person's reviewed text is never touched. Sends ``photo_described``."""
    with transaction.atomic():
        photo = Photo.objects.select_for_update().get(pk=photo_id)
        DetectedObject.objects.filter(photo=photo).delete()
        DetectedObject.objects.bulk_create(
            DetectedObject(
                photo=photo,
                index=obj.index,
                label=obj.label,
                score=obj.score,
                x0=obj.box[0],
                y0=obj.box[1],
                x1=obj.box[2],
                y1=obj.box[3],
                area_fraction=obj.area_fraction,
                position=obj.position,
                size=obj.size,
                certainty=obj.certainty,
            )
            for obj in description.objects
        )
        photo.model_name = instances.model
        photo.suggested_alt = description.alt_text
        photo.long_description = description.long_description
        photo.result = {"instances": instances.to_dict(), "description": description.to_dict()}
        photo.status = Photo.Status.DONE
        photo.status_message = ""
        photo.last_error = ""
        photo.finished_at = timezone.now()
        photo.save()
        transaction.on_commit(lambda: signals.photo_described.send(sender=Photo, photo=photo))
    return photo


def _finish(photo: Photo, status: str, message: str) -> str:
    Photo.objects.filter(pk=photo.pk).update(
        status=status, status_message=message, last_error=message, finished_at=timezone.now(), updated_at=timezone.now()
    )
    return status


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    dead_lettered: list[int] = field(default_factory=list)


def sweep_stale(now: datetime | None = None, *, batch: int = 500) -> SweepReport:
    """Re-send photos whose message was lost and set aside photos that keep losing their worker.

    - 'queued' for longer than ``PHOTO_QUEUED_TIMEOUT`` since the last send: sent again (the
      message may be gone: Redis lost its data, or publishing failed);
    - 'processing' for longer than ``PHOTO_PROCESSING_TIMEOUT``: its worker died (a killed
      worker's message stays unacknowledged in Redis for the visibility timeout), so it is
      queued again, or dead-lettered once it used ``PHOTO_MAX_ATTEMPTS``.

    Every change is a compare-and-set on the row (status and the timestamp it was judged by), so
    sweepers running at the same time, or twice, never send one stale photo twice; duplicates
    from other causes are harmless because the task is idempotent.
    """
    now = now or timezone.now()
    report = SweepReport()
    queued_cutoff = now - timedelta(seconds=settings.PHOTO_QUEUED_TIMEOUT)
    processing_cutoff = now - timedelta(seconds=settings.PHOTO_PROCESSING_TIMEOUT)

    stale_processing = Photo.objects.filter(status=Photo.Status.PROCESSING).filter(
        Q(started_at__lt=processing_cutoff) | Q(started_at__isnull=True, created_at__lt=processing_cutoff)
    )
    for pk, attempts, started_at, enqueued_at in stale_processing.values_list(
        "pk", "attempts", "started_at", "enqueued_at"
    )[:batch]:
        claim = Photo.objects.filter(pk=pk, status=Photo.Status.PROCESSING, started_at=started_at)
        error = (
            f"attempt {attempts} stopped before finishing "
            f"(no word from the worker for {settings.PHOTO_PROCESSING_TIMEOUT} s)"
        )
        if attempts >= settings.PHOTO_MAX_ATTEMPTS:
            if claim.update(
                status=Photo.Status.FAILED,
                status_message=dead_letter_message(attempts, error),
                last_error=error,
                finished_at=now,
                updated_at=now,
            ):
                log.error("Photo %s dead-lettered by the sweeper after %s attempts", pk, attempts)
                report.dead_lettered.append(pk)
        elif claim.update(status=Photo.Status.QUEUED, last_error=error, enqueued_at=now, updated_at=now):
            _resend(pk, now, enqueued_at, report)

    stale_queued = Photo.objects.filter(status=Photo.Status.QUEUED).filter(
        Q(enqueued_at__lt=queued_cutoff) | Q(enqueued_at__isnull=True, created_at__lt=queued_cutoff)
    )
    for pk, enqueued_at in stale_queued.values_list("pk", "enqueued_at")[:batch]:
        # (``enqueued_at=None`` in a filter is ``IS NULL``, so rows from before the field also match.)
        claim = Photo.objects.filter(pk=pk, status=Photo.Status.QUEUED, enqueued_at=enqueued_at)
        if claim.update(enqueued_at=now):
            _resend(pk, now, enqueued_at, report)
    return report


def _resend(pk: int, now: datetime, previous: datetime | None, report: SweepReport) -> None:
    if send_to_worker(pk):
        log.info("Sweeper re-queued photo %s", pk)
        report.requeued.append(pk)
    else:
        # The broker refused: put the old send time back so the next sweep tries at once.
        Photo.objects.filter(pk=pk, enqueued_at=now).update(enqueued_at=previous)


def review_alt(photo: Photo, *, action: str, text: str = "") -> Photo:
    """Record the person's decision: ``accept`` the suggestion, save ``edit``ed text, or mark
    the photo ``decorative`` (alt="")."""
    if action == "decorative":
        photo.alt_source, photo.accepted_alt = Photo.AltSource.DECORATIVE, ""
    elif action == "accept":
        if not photo.suggested_alt:
            raise ValueError("There is no suggestion to accept yet.")
        photo.alt_source, photo.accepted_alt = Photo.AltSource.ACCEPTED, photo.suggested_alt
    elif action == "edit":
        text = " ".join(text.split())
        if not text:
            raise ValueError("Enter the alt text, or mark the photo as decorative.")
        source = Photo.AltSource.ACCEPTED if text == photo.suggested_alt else Photo.AltSource.EDITED
        photo.alt_source, photo.accepted_alt = source, text
    else:
        raise ValueError(f"Unknown action {action!r}.")
    photo.accepted_at = timezone.now()
    photo.save(update_fields=["alt_source", "accepted_alt", "accepted_at", "updated_at"])
    signals.alt_reviewed.send(sender=Photo, photo=photo)
    return photo


def delete_photo(photo: Photo) -> None:
    for relative in (photo.image, photo.thumbnail):
        media_path(relative).unlink(missing_ok=True)
    photo.delete()


def html_snippet(photo: Photo) -> str:
    """``<img>`` markup to paste into a page: the reviewed text, or the suggestion."""
    from django.utils.html import escape

    return f'<img src="{escape(photo.original_name)}" alt="{escape(photo.current_alt)}">'
