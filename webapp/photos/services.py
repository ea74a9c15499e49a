"""Everything that changes a photo: upload, processing, review. Views and tasks only call these."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from captioning import Description
from segmentation.interface import Segmenter
from segmentation.registry import WeightsUnavailable
from segmentation.result import Instances
from webapp.photos import files, pipeline, reading, signals
from webapp.photos.models import DetectedObject, Photo
from webapp.photos.results import StoredResult
from webapp.photos.uploads import DECODE_ERRORS, UploadRejected, normalise_upload
from webapp.text import check_plain_text

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 255


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    photo: Photo | None = None
    error: str = ""
    #: Not the file's fault: the storage did not take it (a 503 when no file got in).
    unavailable: bool = False


# English here (logs, tests); ``gettext`` it where a person reads it.
STORAGE_DOWN_MESSAGE = gettext_noop(
    "The photo could not be stored just now (the storage is not answering); upload it again in a minute."
)


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


def new_photo(owner: Any, fileobj: IO[bytes], *, name: str | None, size: int, **fields: Any) -> Photo:
    """Validate and re-encode one image file, store its files and save it as a new photo of
    ``owner`` (``fields`` set on the row, e.g. its status); not queued.

    Raises:
        UploadRejected: the file is not an acceptable photo (message for the person).
    """
    image = normalise_upload(fileobj, size=size)
    photo = Photo(owner=owner, original_name=clean_filename(name), width=image.width, height=image.height, **fields)
    files.save_files(photo, image)
    del image  # the encoded bytes are not kept while the row is written
    try:
        photo.save()
    except BaseException:
        files.delete_files(photo)  # no files without their row
        raise
    return photo


def create_photo(owner: Any, upload: UploadedFile | File) -> Photo:
    """Validate, re-encode and store one upload, and queue it once its row is committed.

    Called outside any transaction: the decoding and re-encoding (seconds for a large photo) and
    the file writes must not hold SQLite's one write lock (every other write, and every request
    waiting for one, would stall); the row insert is its own short transaction.

    Raises:
        UploadRejected: the file is not an acceptable photo (message for the person).
    """
    problem = getattr(upload, "name_problem", "")  # set by photos.multipart for an unreadable name
    if problem:
        raise UploadRejected(_(problem))  # in the request's language
    photo = new_photo(owner, upload, name=upload.name, size=upload.size or 0, enqueued_at=timezone.now())
    enqueue(photo)
    return photo


def create_photos(owner: Any, uploads: list[UploadedFile]) -> list[UploadOutcome]:
    """One outcome per file, in order; a bad file never stops the others."""
    if len(uploads) > settings.UPLOAD_MAX_FILES:
        raise UploadRejected(
            _("You chose %(count)s files; upload at most %(max)s at a time.")
            % {"count": len(uploads), "max": settings.UPLOAD_MAX_FILES}
        )
    outcomes = []
    for upload in uploads:
        name = clean_filename(upload.name)
        try:
            outcomes.append(UploadOutcome(name=name, photo=create_photo(owner, upload)))
        except UploadRejected as exc:
            outcomes.append(UploadOutcome(name=name, error=str(exc)))
        except files.StorageUnavailable as exc:
            log.warning("Upload %r not stored: %s", name, exc)
            outcomes.append(UploadOutcome(name=name, error=_(STORAGE_DOWN_MESSAGE), unavailable=True))
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
        status=Photo.Status.QUEUED, status_message="", failure_reason="", attempts=0, enqueued_at=now, updated_at=now
    )
    enqueue(photo)


def dead_letter_message(attempts: int, last_error: str) -> str:
    reason = last_error or "the worker stopped before finishing"
    return (
        f"Set aside after {attempts} attempt{'s' if attempts != 1 else ''}: processing this photo never finished "
        f"(last: {reason.rstrip('.')}). Try again, or upload another copy of the photo."
    )


def process_photo(photo_id: int) -> str:
    """Segment and describe one stored photo, and with it up to ``SEGMENTER_BATCH_SIZE - 1``
    other queued photos in one forward pass; the body of the ``segment_photo`` task.

    Safe to run twice (a redelivered message): a photo already done is left as it is, and a
    rerun replaces the suggestion and instances in one transaction, never the person's text.
    Never raises for a bad photo or a missing model: the photo is marked and the worker goes
    on. Returns the final status of ``photo_id`` (``"processing"`` when another delivery's
    batch holds it).

    Batching (see :func:`claim_companions`): the photo whose message arrived is the *lead*; it
    claims fresh queued photos as *companions* by compare-and-set on their rows. A companion's
    own message later finds it done and does nothing. A companion is counted (``attempts``)
    when its batch finishes it, not when claimed: if the batch dies, any member may have
    killed it, so companions lose no attempt but are no longer fresh, and from then on run
    alone, counted. So are leads with any history (attempts, a last error, a lost run): a
    poison photo can take down at most one batch, then only itself, ``PHOTO_MAX_ATTEMPTS``
    times before it is set aside.
    """
    claimed = _claim_lead(photo_id)
    if isinstance(claimed, str):
        return claimed
    lead, suspect = claimed
    try:
        segmenter = pipeline.get_segmenter()
    except WeightsUnavailable as exc:
        message = f"No model weights are installed, so no alt text was written. {exc}"
        return _finish(lead, Photo.Status.FAILED, message, reason=Photo.FailureReason.NO_WEIGHTS)
    except pipeline.SegmenterSettingError as exc:
        message = f"The segmenter settings cannot be used, so no alt text was written: {exc}"
        return _finish(lead, Photo.Status.FAILED, message, reason=Photo.FailureReason.BAD_SETTINGS)
    size = batch_size(segmenter)
    companions = [] if suspect or size <= 1 else claim_companions(lead.pk, size - 1, settings.SEGMENTER_BATCH_WAIT_MS)
    statuses = process_claimed(segmenter, [lead, *companions], companions={p.pk for p in companions})
    return statuses[lead.pk]


def _claim_lead(photo_id: int) -> tuple[Photo, bool] | str:
    """Mark the photo of this delivery 'processing' (attempts + 1), or say why not: the final
    status of a finished / dead-lettered / missing photo, or ``"processing"`` when a live batch
    holds it. Returns ``(photo, suspect)``: a suspect photo has history and runs alone."""
    with transaction.atomic():
        photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None:
            # Deleted by its owner while its message waited: normal, nothing to do.
            log.info("Photo %s no longer exists (deleted); nothing to do", photo_id)
            return "missing"
        if photo.status not in {Photo.Status.QUEUED, Photo.Status.PROCESSING}:
            # Done, rejected, or failed (a person's "Try again" re-queues it): a duplicate message.
            return photo.status
        suspect = photo.status == Photo.Status.PROCESSING or photo.attempts > 0 or bool(photo.last_error)
        if photo.status == Photo.Status.PROCESSING:
            if photo.attempts == 0:
                # Claimed as a companion by another delivery's batch (attempts are counted at
                # the end for companions). That batch may still be running in another process:
                # leave the photo to it. If it died, the sweeper re-queues the photo after
                # PHOTO_PROCESSING_TIMEOUT.
                started = photo.started_at or photo.created_at
                if timezone.now() - started < timedelta(seconds=settings.PHOTO_PROCESSING_TIMEOUT):
                    return Photo.Status.PROCESSING
                photo.last_error = "a batched run stopped before finishing (worker lost)"
            else:
                # Redelivered while marked processing: the delivery that set it never finished.
                photo.last_error = f"attempt {photo.attempts} stopped before finishing (worker lost)"
        if photo.attempts >= settings.PHOTO_MAX_ATTEMPTS:
            # The queue has no retry count; this row does. A photo that keeps killing its worker
            # is set aside here instead of looping forever.
            log.error("Photo %s dead-lettered after %s attempts: %s", photo_id, photo.attempts, photo.last_error)
            photo.status = Photo.Status.FAILED
            photo.status_message = dead_letter_message(photo.attempts, photo.last_error)
            photo.failure_reason = Photo.FailureReason.DEAD_LETTERED
            photo.finished_at = timezone.now()
            fields = ["status", "status_message", "failure_reason", "last_error", "finished_at", "updated_at"]
            photo.save(update_fields=fields)
            return photo.status
        photo.status = Photo.Status.PROCESSING
        photo.attempts += 1
        photo.started_at = timezone.now()
        photo.status_message = ""
        photo.failure_reason = ""
        fields = ["status", "attempts", "started_at", "status_message", "failure_reason", "last_error", "updated_at"]
        photo.save(update_fields=fields)
    return photo, suspect


def batch_size(segmenter: Segmenter) -> int:
    """``SEGMENTER_BATCH_SIZE``, or with 0 (auto) 8 on a GPU and 1 on the CPU."""
    return pipeline.segmenter_config().run.batch_for(segmenter.device_type)


def claim_companions(lead_id: int, limit: int, wait_ms: float) -> list[Photo]:
    """Claim up to ``limit`` fresh queued photos (oldest send first) for the lead's batch,
    waiting up to ``wait_ms`` for more to be queued when there are too few.

    Fresh = queued, never attempted, no error on record: a photo with any history runs alone.
    Each claim is a compare-and-set on the row (queued -> processing, ``started_at``), so two
    workers never take the same photo. ``attempts`` is left as it is (see
    :func:`process_photo`).
    """
    claimed: list[int] = []
    deadline = time.monotonic() + max(0.0, wait_ms) / 1000.0
    while True:
        fresh = Photo.objects.filter(status=Photo.Status.QUEUED, attempts=0, last_error="")
        candidates = (
            fresh.exclude(pk__in=[lead_id, *claimed])
            .order_by(F("enqueued_at").asc(nulls_first=True), "pk")
            .values_list("pk", flat=True)[: limit - len(claimed)]
        )
        for pk in list(candidates):
            now = timezone.now()
            if fresh.filter(pk=pk).update(
                status=Photo.Status.PROCESSING, started_at=now, status_message="", updated_at=now
            ):
                claimed.append(pk)
        remaining = deadline - time.monotonic()
        if len(claimed) >= limit or remaining <= 0:
            break
        time.sleep(min(0.005, remaining))
    if claimed:
        log.info("Photo %s takes %s more in its batch: %s", lead_id, len(claimed), claimed)
    return list(Photo.objects.filter(pk__in=claimed).order_by("pk"))


def process_claimed(segmenter: Segmenter, photos: list[Photo], *, companions: Set[int] = frozenset()) -> dict[int, str]:
    """Decode, segment (one forward pass), describe and store photos already marked
    'processing'; returns each photo's final status.

    Failures stay with their photo: a missing or undecodable file rejects that photo only, and
    if the batched forward pass fails the photos are run one by one, so only the one the model
    fails on is marked failed. Photos in ``companions`` are counted in ``attempts`` as they
    finish. A database error (busy) releases the unfinished companions back to the queue and
    re-raises, so the task retries the lead.
    """
    statuses: dict[int, str] = {}
    try:
        data = _read_stored(photos, companions)
        decoded = iter(segmenter.prepare_many([data[p.pk] for p in photos if isinstance(data[p.pk], bytes)]))
        prepared = [next(decoded) if isinstance(data[p.pk], bytes) else data[p.pk] for p in photos]
        ready: list[tuple[Photo, Any]] = []
        for photo, item in zip(photos, prepared, strict=True):
            count = photo.pk in companions
            if isinstance(item, FileNotFoundError) and not Photo.objects.filter(pk=photo.pk).exists():
                log.info("Photo %s was deleted while queued for this batch; skipped", photo.pk)
                statuses[photo.pk] = "missing"
            elif isinstance(item, FileNotFoundError):
                message = "The stored image is missing; upload the photo again."
                reason = Photo.FailureReason.IMAGE_MISSING
                statuses[photo.pk] = _finish(photo, Photo.Status.REJECTED, message, count, reason=reason)
            elif isinstance(item, DECODE_ERRORS):
                log.warning("Photo %s cannot be decoded: %s", photo.pk, item)
                message = "The image could not be decoded; upload it again."
                reason = Photo.FailureReason.UNDECODABLE
                statuses[photo.pk] = _finish(photo, Photo.Status.REJECTED, message, count, reason=reason)
            elif isinstance(item, BaseException):
                log.error("Photo %s could not be read", photo.pk, exc_info=item)
                statuses[photo.pk] = _model_failed(photo, item, count)
            else:
                ready.append((photo, item))
        for photo, instances in _infer_isolated(segmenter, ready, statuses, companions):
            instances = reading.with_text(instances, data[photo.pk])  # type: ignore[arg-type]
            try:
                description = pipeline.caption(instances)
            except Exception as exc:  # noqa: BLE001 - one photo's caption must not fail the batch
                log.exception("Photo %s could not be described", photo.pk)
                statuses[photo.pk] = _model_failed(photo, exc, photo.pk in companions)
                continue
            try:
                stored = store_result(photo.pk, instances, description, count_attempt=photo.pk in companions)
            except Photo.DoesNotExist:
                # The owner deleted it while the model ran: an ordinary event, not an error.
                log.info("Photo %s was deleted while being described; its result is dropped", photo.pk)
                statuses[photo.pk] = "missing"
                continue
            statuses[photo.pk] = stored.status
            log.info("Photo %s described by %s: %s", photo.pk, stored.model_name, stored.suggested_alt)
    except (OperationalError, InterfaceError):
        _release(sorted(companions - statuses.keys()))
        raise
    return statuses


def _read_stored(photos: list[Photo], companions: Set[int]) -> dict[int, bytes | FileNotFoundError]:
    """Each photo's stored image, read once through the storage (the worker has no local copy):
    its bytes, or the ``FileNotFoundError`` that rejects that photo alone.

    Raises:
        files.StorageUnavailable: the storage did not answer. Not any photo's fault: every photo
            of the batch goes back to the queue as it was (the lead's claim is undone, not
            counted) and the task retries with backoff; the sweeper re-sends them if it gives up.
    """
    data: dict[int, bytes | FileNotFoundError] = {}
    for photo in photos:
        try:
            data[photo.pk] = files.read_bytes(photo.image)
        except FileNotFoundError as exc:
            data[photo.pk] = exc
        except files.StorageUnavailable:
            log.warning("Storage unavailable reading photo %s; the batch goes back to the queue", photo.pk)
            _unclaim([p for p in photos if p.pk not in companions])
            _release(sorted(companions))
            raise
    return data


def _unclaim(leads: list[Photo]) -> None:
    """Put leads claimed by this delivery back to 'queued' with the attempt uncounted (best effort:
    the sweeper re-queues a 'processing' photo later anyway). Not re-sent: the task's retry is."""
    now = timezone.now()
    for photo in leads:
        try:
            Photo.objects.filter(pk=photo.pk, status=Photo.Status.PROCESSING, attempts=photo.attempts).update(
                status=Photo.Status.QUEUED, attempts=F("attempts") - 1, enqueued_at=now, updated_at=now
            )
        except (OperationalError, InterfaceError):
            log.warning("Could not put photo %s back in the queue; the sweeper will", photo.pk)


def _infer_isolated(
    segmenter: Segmenter, ready: list[tuple[Photo, Any]], statuses: dict[int, str], companions: Set[int]
) -> Iterator[tuple[Photo, Instances]]:
    """Instances for each ready photo: one forward pass, or one by one if the batch fails."""
    if len(ready) > 1:
        try:
            results = segmenter.infer([item for _, item in ready])
        except Exception:  # noqa: BLE001 - find the photo the model fails on, run the others
            log.warning("Batch of %s photos failed; running them one by one", len(ready), exc_info=True)
        else:
            yield from ((photo, result) for (photo, _), result in zip(ready, results, strict=True))
            return
    for photo, item in ready:
        try:
            result = segmenter.infer([item])[0]
        except Exception as exc:  # noqa: BLE001 - a model crash must not take the worker with it
            log.exception("Photo %s failed", photo.pk)
            statuses[photo.pk] = _model_failed(photo, exc, photo.pk in companions)
            continue
        yield photo, result


def _model_failed(photo: Photo, exc: BaseException, count_attempt: bool) -> str:
    message = f"The model failed on this photo ({type(exc).__name__}). Try again."
    return _finish(photo, Photo.Status.FAILED, message, count_attempt, reason=Photo.FailureReason.MODEL_ERROR)


def _release(photo_ids: list[int]) -> None:
    """Best effort, after a database error: put unfinished companions back in the queue and
    send them again (the sweeper does it later if this fails too)."""
    if not photo_ids:
        return
    try:
        now = timezone.now()
        released = Photo.objects.filter(pk__in=photo_ids, status=Photo.Status.PROCESSING, attempts=0)
        ids = list(released.values_list("pk", flat=True))
        released.update(status=Photo.Status.QUEUED, enqueued_at=now, updated_at=now)
    except (OperationalError, InterfaceError):
        log.warning("Could not release batch companions %s; the sweeper will re-queue them", photo_ids)
        return
    for pk in ids:
        send_to_worker(pk)


def store_result(
    photo_id: int, instances: Instances, description: Description, *, count_attempt: bool = False
) -> Photo:
    """Replace a photo's suggestion and instances with a new result, in one transaction, and
    mark it done. The person's reviewed text is never touched. Sends ``result_stored`` inside the
    transaction and ``photo_described`` after it commits.
    ``count_attempt`` adds the run to ``attempts`` (a batch companion's run).

    Raises:
        Photo.DoesNotExist: the photo was deleted (its owner may delete it at any time).
    """
    with transaction.atomic():
        photo = Photo.objects.select_for_update().get(pk=photo_id)
        if count_attempt:
            photo.attempts += 1
        DetectedObject.objects.filter(photo=photo).delete()
        DetectedObject.objects.bulk_create(DetectedObject.of(photo, obj) for obj in description.objects)
        photo.model_name = instances.model
        photo.suggested_alt = description.alt_text
        photo.long_description = description.long_description
        photo.result = StoredResult(description, instances=instances).to_json()
        photo.status = Photo.Status.DONE
        photo.status_message = ""
        photo.failure_reason = ""
        photo.last_error = ""
        photo.finished_at = timezone.now()
        photo.save()
        signals.result_stored.send(sender=Photo, photo=photo)
        transaction.on_commit(lambda: signals.photo_described.send(sender=Photo, photo=photo))
    return photo


def _finish(photo: Photo, status: str, message: str, count_attempt: bool = False, *, reason: str) -> str:
    """Mark the photo rejected or failed: ``message`` for people, ``reason`` (a
    :class:`Photo.FailureReason`) for metrics."""
    Photo.objects.filter(pk=photo.pk).update(
        status=status,
        status_message=message,
        failure_reason=reason,
        last_error=message,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
        **({"attempts": F("attempts") + 1} if count_attempt else {}),
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
        run = f"attempt {attempts}" if attempts else "a batched run"
        error = f"{run} stopped before finishing (no word from the worker for {settings.PHOTO_PROCESSING_TIMEOUT} s)"
        if attempts >= settings.PHOTO_MAX_ATTEMPTS:
            if claim.update(
                status=Photo.Status.FAILED,
                status_message=dead_letter_message(attempts, error),
                failure_reason=Photo.FailureReason.DEAD_LETTERED,
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


def review_alt(photo: Photo, *, action: str, text: str = "", suggestion: str | None = None, lang: str = "en") -> Photo:
    """Record the person's decision: ``accept`` the suggestion, save ``edit``ed text, or mark
    the photo ``decorative`` (alt=""). ``suggestion`` is the suggestion as the person saw it (its
    rendering in ``lang``; default the stored one); ``lang`` is the language of the text kept."""
    # issue 18 (languages): the suggestion as shown, and the language the kept text is in.
    suggestion = photo.suggested_alt if suggestion is None else suggestion
    if action == "decorative":
        photo.alt_source, photo.accepted_alt = Photo.AltSource.DECORATIVE, ""
    elif action == "accept":
        if not suggestion:
            raise ValueError("There is no suggestion to accept yet.")
        photo.alt_source, photo.accepted_alt = Photo.AltSource.ACCEPTED, suggestion
    elif action == "edit":
        text = " ".join(check_plain_text(text, "The alt text").split())
        if not text:
            raise ValueError("Enter the alt text, or mark the photo as decorative.")
        source = Photo.AltSource.ACCEPTED if text == suggestion else Photo.AltSource.EDITED
        photo.alt_source, photo.accepted_alt = source, text
    else:
        raise ValueError(f"Unknown action {action!r}.")
    photo.accepted_alt_lang = "" if action == "decorative" else lang
    photo.accepted_at = timezone.now()
    photo.save(update_fields=["alt_source", "accepted_alt", "accepted_alt_lang", "accepted_at", "updated_at"])
    signals.alt_reviewed.send(sender=Photo, photo=photo)
    return photo


def delete_photo(photo: Photo) -> None:
    files.delete_files(photo)
    photo.delete()


def html_snippet(photo: Photo, alt: str | None = None, lang: str = "") -> str:
    """``<img>`` markup to paste into a page: ``alt`` (default: the reviewed text, or the
    suggestion), with ``lang="..."`` when given (issue 18: a text in another language than the page's)."""
    from django.utils.html import escape

    alt = photo.current_alt if alt is None else alt
    lang_attr = f' lang="{escape(lang)}"' if lang else ""
    return f'<img src="{escape(photo.original_name)}" alt="{escape(alt)}"{lang_attr}>'
