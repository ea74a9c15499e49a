"""Readiness checks and Prometheus metrics, both read from the shared services (database, broker,
storage) rather than kept in any process.

Why from the shared state and not counted in processes: web and workers run on many hosts and in
many processes (gunicorn workers, Celery pool children); a counter kept in one of them says only
what that process saw, and prometheus_client's multiprocess mode needs a folder shared by all of
them, which hosts do not have. The Photo rows and the Redis lists already hold every figure, so any
web process on any host answers a scrape with the same, whole-deployment numbers (the cost: a few
aggregate queries per scrape; scrape every 30-60 s).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from webapp.photos.models import Photo

log = logging.getLogger(__name__)

# --- Readiness --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    seconds: float
    error: str = ""  # the exception's class only: /readyz is public, the details go to the log


def check_database(timeout: float) -> None:
    """A round trip on a connection of its own (never the request's), made from the default
    database's settings with PostgreSQL's connect and statement timeouts set to ``timeout``."""
    import math

    from django.db.utils import load_backend

    params = dict(connections.settings["default"])
    if params["ENGINE"] == "django.db.backends.postgresql":
        params["OPTIONS"] = {
            **params.get("OPTIONS", {}),
            "connect_timeout": max(1, math.ceil(timeout)),
            "options": f"-c statement_timeout={max(1, int(timeout * 1000))}",
        }
    wrapper = load_backend(params["ENGINE"]).DatabaseWrapper(params, "default")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()


def check_broker(timeout: float) -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://", "unix://")):
        redis_client(timeout).ping()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=timeout, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)


def check_storage(timeout: float) -> None:
    """The default storage answers: a local folder must be writable (or creatable: nothing
    uploaded yet); S3 must answer a lookup (HEAD: reachable, keys accepted); any other backend a
    lookup through the storage API."""
    storage = default_storage
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            raise PermissionError(f"{storage.location} is not a writable folder")
        return
    bucket = getattr(storage, "bucket_name", None)
    if not bucket:
        storage.exists(".readyz")  # False is fine; an exception (unreachable, refused) is not
        return
    from botocore.exceptions import ClientError

    try:
        _s3_probe(storage, timeout).head_object(Bucket=bucket, Key=".readyz")
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
            raise  # refused (403: wrong keys) or failing (5xx); 404 is the answer we expect


_s3_probes: dict[tuple, Any] = {}
_s3_probes_lock = threading.Lock()


def _s3_probe(storage: Any, timeout: float) -> Any:
    """A boto3 client for the readiness probe, made once per process and configuration: clients
    are thread-safe, while the storage's own connection is per thread and each probe runs on a
    fresh thread (building one costs 100-200 ms of CPU, every probe). One attempt within the probe's
    timeout: readiness asks whether the storage answers now; retries are for real requests."""
    import boto3
    from botocore.config import Config

    key = (storage.endpoint_url, storage.region_name, storage.access_key, storage.secret_key, timeout)
    with _s3_probes_lock:
        client = _s3_probes.get(key)
        if client is None:
            session = boto3.session.Session(
                aws_access_key_id=storage.access_key,
                aws_secret_access_key=storage.secret_key,
                aws_session_token=storage.security_token,
                profile_name=storage.session_profile or None,
            )
            probe = Config(
                connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard", "max_attempts": 1}
            )
            client = session.client(
                "s3",
                endpoint_url=storage.endpoint_url,
                region_name=storage.region_name,
                use_ssl=storage.use_ssl,
                verify=storage.verify,
                config=storage.client_config.merge(probe),
            )
            _s3_probes[key] = client
    return client


def readiness_checks() -> dict[str, Callable[[], None]]:
    timeout = settings.READY_TIMEOUT_MS / 1000
    return {
        "database": lambda: check_database(timeout),
        "broker": lambda: check_broker(timeout),
        "storage": lambda: check_storage(timeout),
    }


def run_checks(checks: dict[str, Callable[[], None]] | None = None) -> list[CheckResult]:
    """Every check at once, each in its own thread, none waited on past ``READY_TIMEOUT_MS``: a
    hung dependency makes the answer 'not ready', never a hung probe."""
    checks = checks if checks is not None else readiness_checks()
    budget = settings.READY_TIMEOUT_MS / 1000
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    started = time.monotonic()
    futures = {name: pool.submit(_timed, check) for name, check in checks.items()}
    results = []
    try:
        for name, future in futures.items():
            remaining = max(0.0, budget - (time.monotonic() - started))
            try:
                seconds = future.result(timeout=remaining)
            except FutureTimeout:
                log.warning("readiness check %s: no answer within %s ms", name, settings.READY_TIMEOUT_MS)
                results.append(CheckResult(name, False, budget, "Timeout"))
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its name
                log.warning("readiness check %s failed: %r", name, exc)
                results.append(CheckResult(name, False, time.monotonic() - started, type(exc).__name__))
            else:
                results.append(CheckResult(name, True, seconds))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # a hung check's thread is not waited for
    return results


def _timed(check: Callable[[], None]) -> float:
    started = time.monotonic()
    check()
    return time.monotonic() - started


# --- Metrics access ---------------------------------------------------------------------------


def metrics_allowed(remote_addr: str, authorization: str, forwarded: bool) -> bool:
    """``METRICS_TOKEN`` as a bearer token, or a direct peer in ``METRICS_ALLOWED_NETWORKS``.

    Neither set: nobody (metrics are never public by default). A request that came through a
    proxy (it carries X-Forwarded-For / Forwarded) never passes on its address: behind a proxy the
    peer is the proxy, so an allowed 127.0.0.1 would let the whole internet in.
    """
    import hmac

    token = settings.METRICS_TOKEN
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    if forwarded or not settings.METRICS_ALLOWED_NETWORKS:
        return False
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


# --- Metrics ------------------------------------------------------------------------------------

#: Upper bounds (seconds) of the processing-time histogram: a CPU photo takes ~0.1-10 s, a
#: cold start or a busy machine up to the hard time limit.
PROCESSING_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)

#: The ``reason`` label of failures from before ``Photo.failure_reason`` was stored (no code).
UNKNOWN_REASON = "unknown"
#: The statuses ``alt_photo_failures`` counts.
FAILURE_STATUSES = (Photo.Status.FAILED, Photo.Status.REJECTED)


def redis_client(timeout: float):  # noqa: ANN201 - redis.Redis
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout)


def queue_depth(timeout: float) -> tuple[int, int] | None:
    """(messages waiting in the default queue, messages delivered but not yet acknowledged), as
    kombu's Redis transport keeps them: one list per priority step, one hash of unacked messages.
    None when the broker is not Redis (the embedded broker has no such lists)."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://")):
        return None
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    from webapp.celery import app

    queue = app.conf.task_default_queue
    keys = [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]
    client = redis_client(timeout)
    with client.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.llen(key)
        pipe.hlen(Channel.unacked_key)
        *lengths, unacked = pipe.execute()
    return sum(lengths), unacked


class PhotoCollector(Collector):
    """The app's metrics, computed at scrape time (see the module docstring)."""

    def collect(self) -> Iterator[object]:
        by_status = dict(Photo.objects.order_by().values_list("status").annotate(n=Count("id")))
        photos = GaugeMetricFamily("alt_photos", "Photos by processing status.", labels=["status"])
        for status in Photo.Status.values:
            photos.add_metric([status], by_status.get(status, 0))
        yield photos

        failures = GaugeMetricFamily(
            "alt_photo_failures", "Photos that ended failed or rejected, by reason.", labels=["status", "reason"]
        )
        # Labelled by the code the worker stored with the status (a bounded set: never the free
        # text); every series present from zero, so alerts on a rate have one before the first failure.
        reasons = [*Photo.FailureReason.values, UNKNOWN_REASON]
        counts = {(str(status), reason): 0 for status in FAILURE_STATUSES for reason in reasons}
        finished_badly = Photo.objects.filter(status__in=FAILURE_STATUSES)
        for status, reason, n in (
            finished_badly.order_by().values_list("status", "failure_reason").annotate(n=Count("id"))
        ):
            key = (status, reason or UNKNOWN_REASON)
            counts[key] = counts.get(key, 0) + n
        for (status, reason), n in sorted(counts.items()):
            failures.add_metric([str(status), reason], n)
        yield failures

        yield self.processing_histogram()

        try:
            depth = queue_depth(settings.READY_TIMEOUT_MS / 1000)
        except Exception as exc:  # noqa: BLE001 - the database figures still answer without Redis
            log.warning("queue depth unavailable: %r", exc)
            depth = None
        up = GaugeMetricFamily("alt_broker_up", "1 when the broker answered this scrape (Redis only).")
        up.add_metric([], 0 if depth is None and self.broker_is_redis else 1)
        yield up
        if depth is not None:
            waiting, unacked = depth
            queued = GaugeMetricFamily("alt_queue_messages", "Messages waiting in the queue.", labels=["queue"])
            from webapp.celery import app

            queued.add_metric([app.conf.task_default_queue], waiting)
            yield queued
            yield GaugeMetricFamily(
                "alt_queue_unacked_messages", "Messages delivered to a worker and not yet acknowledged.", value=unacked
            )

    @property
    def broker_is_redis(self) -> bool:
        return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://", "unix://"))

    def processing_histogram(self) -> HistogramMetricFamily:
        """Seconds from a done photo's (last) start to its finish, over the photos in the database:
        one aggregate query, a conditional count per bucket."""
        duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        done = Photo.objects.filter(
            status=Photo.Status.DONE, started_at__isnull=False, finished_at__isnull=False
        ).annotate(duration=duration)
        buckets = {
            f"le_{i}": Count("id", filter=Q(duration__lte=timedelta(seconds=b)))
            for i, b in enumerate(PROCESSING_BUCKETS)
        }
        row = done.order_by().aggregate(total=Count("id"), seconds=Sum("duration"), **buckets)
        total_seconds = row["seconds"].total_seconds() if row["seconds"] is not None else 0.0
        histogram = HistogramMetricFamily(
            "alt_photo_processing_seconds",
            "Seconds from a photo's last processing start to its result, for photos done.",
        )
        histogram.add_metric(
            [],
            [(str(float(b)), row[f"le_{i}"]) for i, b in enumerate(PROCESSING_BUCKETS)] + [("+Inf", row["total"])],
            sum_value=total_seconds,
        )
        return histogram


def registry() -> CollectorRegistry:
    """A registry of our own (not prometheus_client's global one): only the shared figures, so
    every process on every host answers a scrape the same way."""
    reg = CollectorRegistry(auto_describe=False)
    reg.register(PhotoCollector())
    return reg
