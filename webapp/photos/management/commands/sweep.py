"""``manage.py sweep``: re-send photos whose queue message was lost, dead-letter the ones that
keep losing their worker (see ``services.sweep_stale``), and let other apps re-send their own lost
work (``signals.sweeping``: webhook deliveries). ``--loop`` is what ``make run`` starts."""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from webapp.photos import services, signals

log = logging.getLogger("webapp.photos.sweeper")


class Command(BaseCommand):
    help = "Re-queue photos stuck in queued/processing past their timeout; dead-letter after PHOTO_MAX_ATTEMPTS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep sweeping every SWEEP_INTERVAL seconds")
        parser.add_argument("--interval", type=float, default=None, help="seconds between sweeps (with --loop)")

    def handle(self, *args: object, loop: bool, interval: float | None, **options: object) -> None:
        if not loop:
            report = services.sweep_stale()
            signals.sweeping.send(sender=None, now=timezone.now())
            self.stdout.write(f"requeued {len(report.requeued)}, dead-lettered {len(report.dead_lettered)}")
            return
        every = interval if interval is not None else settings.SWEEP_INTERVAL
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.set())
        log.info(
            "Sweeper every %s s: queued > %s s re-sent, processing > %s s re-queued, dead-letter at %s attempts",
            every,
            settings.PHOTO_QUEUED_TIMEOUT,
            settings.PHOTO_PROCESSING_TIMEOUT,
            settings.PHOTO_MAX_ATTEMPTS,
        )
        while not stopping.is_set():
            try:
                report = services.sweep_stale()
                # Other apps' lost work (webhook deliveries whose queue message never arrived).
                signals.sweeping.send(sender=None, now=timezone.now())
            except DatabaseError as exc:
                # Locked or unreachable database: nothing is lost (the rows are unchanged); try later.
                log.warning("Sweep skipped, database unavailable: %s", exc)
            else:
                if report.requeued or report.dead_lettered:
                    log.info("Sweep: re-queued %s, dead-lettered %s", report.requeued, report.dead_lettered)
            finally:
                close_old_connections()
            stopping.wait(every)
