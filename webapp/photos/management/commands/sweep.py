"""``manage.py sweep``: re-send photos whose queue message was lost, dead-letter the ones that
keep losing their worker (see ``services.sweep_stale``), move messages stranded unacknowledged in
Redis back to the queue (``recover_stranded``), and let other apps re-send their own lost work
(``signals.sweeping``: webhook deliveries). ``--loop`` is what ``make run`` starts."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from webapp import celery
from webapp.photos import services, signals
from webapp.photos.models import Photo

log = logging.getLogger("webapp.photos.sweeper")
SEGMENT_TASK = "photos.segment_photo"


@dataclass
class StrandedReport:
    requeued: list[int] = field(default_factory=list)  # moved back to the queue
    dropped: list[int] = field(default_factory=list)  # duplicates of a newer message, or of a finished photo


def recover_stranded() -> StrandedReport:
    """Move ``segment_photo`` messages stranded in Redis's ``unacked`` hash (webapp/celery.py says
    how they get there) back to the queue, deciding each by its photo's row:

    - *queued*, and no message was sent for it since this one was delivered (``enqueued_at``):
      nobody will run it, so the message goes back to the queue (moved, not copied: one Redis
      transaction, so a worker's late ack or a second sweeper makes it a no-op) and ``enqueued_at``
      restarts the sweeper's own clock;
    - *queued* with a newer message, finished, or gone: the entry is only a duplicate: dropped;
    - *processing*: left alone; a live worker may be running it, and if not, the processing
      timeout re-queues the photo.
    Only messages older than ``PHOTO_UNACKED_TIMEOUT`` are looked at: younger ones may be held by a
    live worker about to start them. Other tasks' messages are left to kombu.
    """
    report = StrandedReport()
    final = {Photo.Status.DONE, Photo.Status.FAILED, Photo.Status.REJECTED}
    for message in celery.stranded_messages(settings.PHOTO_UNACKED_TIMEOUT):
        if message.task != SEGMENT_TASK or len(message.args) != 1 or not isinstance(message.args[0], int):
            continue
        pk = message.args[0]
        row = Photo.objects.filter(pk=pk).values("status", "enqueued_at").first()
        delivered = datetime.fromtimestamp(message.delivered_at, tz=UTC)
        if (
            row is None
            or row["status"] in final
            or (row["status"] == Photo.Status.QUEUED and row["enqueued_at"] and row["enqueued_at"] > delivered)
        ):
            if celery.settle_stranded(message.tag, requeue=False):
                report.dropped.append(pk)
        elif row["status"] == Photo.Status.QUEUED and celery.settle_stranded(message.tag, requeue=True):
            now = timezone.now()
            Photo.objects.filter(pk=pk, status=Photo.Status.QUEUED, enqueued_at=row["enqueued_at"]).update(
                enqueued_at=now, updated_at=now
            )
            log.info(
                "Sweeper moved photo %s back to the queue: its message was stranded unacknowledged in Redis since %s",
                pk,
                delivered.isoformat(timespec="seconds"),
            )
            report.requeued.append(pk)
    return report


def recover_stranded_or_warn() -> StrandedReport | None:
    """``recover_stranded``, or None (logged) when the broker cannot be reached: nothing is lost,
    the entries stay in Redis until the next sweep."""
    try:
        return recover_stranded()
    except (BrokerError, RedisError, OSError) as exc:
        log.warning("Stranded-message check skipped, broker unavailable: %s", exc)
        return None


def sweep_once() -> None:
    """One round: stale rows, then stranded messages, then other apps' lost work. A database or
    broker that is down skips its part: nothing is lost (rows and messages are unchanged)."""
    try:
        report = services.sweep_stale()
        if report.requeued or report.dead_lettered:
            log.info("Sweep: re-queued %s, dead-lettered %s", report.requeued, report.dead_lettered)
        stranded = recover_stranded_or_warn()
        if stranded and stranded.dropped:
            log.info("Sweep: dropped stale duplicate messages of photos %s", stranded.dropped)
        # Other apps' lost work (webhook deliveries whose queue message never arrived).
        signals.sweeping.send(sender=None, now=timezone.now())
    except DatabaseError as exc:
        # Locked or unreachable database: nothing is lost (the rows are unchanged); try later.
        log.warning("Sweep skipped, database unavailable: %s", exc)
    finally:
        close_old_connections()


class Command(BaseCommand):
    help = "Re-queue photos stuck in queued/processing past their timeout; dead-letter after PHOTO_MAX_ATTEMPTS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping every SWEEP_INTERVAL seconds")
        parser.add_argument("--interval", type=float, default=None, help="seconds between sweeps (with --loop)")

    def handle(self, *args: object, loop: bool, interval: float | None, **options: object) -> None:
        if not loop:
            report = services.sweep_stale()
            stranded = recover_stranded_or_warn()
            signals.sweeping.send(sender=None, now=timezone.now())
            self.stdout.write(f"requeued {len(report.requeued)}, dead-lettered {len(report.dead_lettered)}")
            if stranded is None:
                self.stderr.write("Broker unavailable: messages stranded in Redis were not checked.")
            elif stranded.requeued or stranded.dropped:
                self.stdout.write(
                    f"stranded messages: moved back {len(stranded.requeued)}, dropped {len(stranded.dropped)}"
                )
            return
        every = interval if interval is not None else settings.SWEEP_INTERVAL
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.set())
        log.info(
            "Sweeper every %s s: queued > %s s re-sent, unacked > %s s moved back, processing > %s s re-queued, "
            "dead-letter at %s attempts",
            every,
            settings.PHOTO_QUEUED_TIMEOUT,
            settings.PHOTO_UNACKED_TIMEOUT,
            settings.PHOTO_PROCESSING_TIMEOUT,
            settings.PHOTO_MAX_ATTEMPTS,
        )
        while not stopping.is_set():
            sweep_once()
            stopping.wait(every)
