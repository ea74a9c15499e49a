"""The Celery app: Redis broker from ``REDIS_URL``; every ``CELERY_*`` setting (with its reason)
is in ``webapp/settings.py``.

Also the two broker operations the sweeper needs to rescue messages stranded in kombu's Redis
``unacked`` hash (see ``stranded_messages``), kept here because they know kombu's Redis layout.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from celery import Celery, signals
from django.db import close_old_connections
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
log = logging.getLogger("webapp.celery")


class _QoS(kombu_redis.QoS):
    def restore_unacked(self, client: Any = None) -> None:
        """Put the messages this channel holds back on the queue, as kombu does when a channel
        closes; but when that cannot be done, say so instead of raising. On a lost connection
        Celery collects the broken transport first and closes the channel after, so kombu's
        restore finds no connection details and raises ``AttributeError`` (Redis down or not),
        which Celery treats as unrecoverable: the whole worker exited. The messages stay in the
        ``unacked`` hash, where the sweeper finds them (``stranded_messages``)."""
        try:
            super().restore_unacked(client)
        except Exception as exc:  # noqa: BLE001 - any failure: the sweeper is the way back for them
            log.warning(
                "Could not put %s unacknowledged message(s) back on the queue (%r); they stay in Redis's "
                "unacked hash until the sweeper moves them back",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()  # kombu's "restore once" bookkeeping expects it emptied


class _Channel(kombu_redis.Channel):
    QoS = _QoS


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport whose channels never take the worker down when they cannot put
    held messages back (``CELERY_BROKER_TRANSPORT`` names it for redis:// brokers)."""

    Channel = _Channel


app = Celery("webapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(task: Any = None, **kwargs: Any) -> None:
    """Django's request-time rule for a worker that keeps its connection (``CELERY_DB_REUSE_MAX``):
    close it if it broke (a database restart) or outlived ``CONN_MAX_AGE`` (0 for SQLite: always).
    Not for a task run eagerly inside the caller (tests, ``CELERY_TASK_ALWAYS_EAGER``): that
    connection is the caller's, perhaps inside its transaction (Celery's own fixup skips it too)."""
    if getattr(getattr(task, "request", None), "is_eager", False):
        return
    close_old_connections()


# --- Messages stranded in Redis's unacked hash ---------------------------------------------------
# kombu's Redis transport emulates acks: a delivered message is moved from the queue list into the
# ``unacked`` hash (with its delivery time in the ``unacked_index`` sorted set) until the worker
# acks it. When the worker loses its connection, Celery drops the messages it held but had not
# started (reserved, or waiting for a countdown/ETA such as a database-busy retry) and closes the
# channel, whose ``QoS.restore_unacked`` moves them back to the queue - with Redis down, that fails
# (the error is swallowed, and the QoS marks itself restored), so they stay in the hash. Only
# ``QoS.restore_visible`` would move them later, for entries older than the visibility timeout
# (2 x CELERY_TASK_TIME_LIMIT = 20 min, which must exceed the longest task), so before this the
# photo waited for the sweeper's PHOTO_QUEUED_TIMEOUT (15 min). The sweeper now rescues them.


@dataclass(frozen=True)
class UnackedMessage:
    tag: str
    task: str
    args: list[Any]
    delivered_at: float  # epoch seconds, kombu's score in ``unacked_index``


@contextmanager
def _redis_channel() -> Iterator[Any | None]:
    """kombu's Redis channel (its client and key names), or None for another transport."""
    with app.connection_for_write() as connection:
        if connection.transport.driver_type != "redis":
            yield None
            return
        # One try: the sweeper has other work, and comes back in SWEEP_INTERVAL anyway.
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
        yield connection.default_channel


def stranded_messages(older_than: float) -> list[UnackedMessage]:
    """Messages delivered more than ``older_than`` seconds ago and still unacknowledged."""
    found = []
    with _redis_channel() as channel:
        if channel is None:
            return []
        client = channel.client
        ceiling = time.time() - older_than
        for raw_tag, score in client.zrangebyscore(channel.unacked_index_key, 0, ceiling, withscores=True):
            tag = raw_tag.decode() if isinstance(raw_tag, bytes) else raw_tag
            stored = client.hget(channel.unacked_key, tag)
            if stored is None:
                continue  # acked or restored since
            payload = json.loads(stored)[0]
            found.append(UnackedMessage(tag, payload["headers"].get("task", ""), _task_args(payload), score))
    return found


def _task_args(payload: dict) -> list[Any]:
    try:
        body = payload["body"]
        if payload.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        return list(json.loads(body)[0])
    except (KeyError, ValueError, TypeError, IndexError):
        return []


def settle_stranded(tag: str, *, requeue: bool) -> bool:
    """Take one unacked entry out of the hash and, with ``requeue``, push it back on its queue, in
    one Redis transaction watched on the hash (kombu's own ``restore_by_tag`` does the same): if a
    worker acked it or another sweeper moved it meanwhile, nothing happens. So a message is moved,
    never copied. Returns whether this call took it."""
    with _redis_channel() as channel:
        if channel is None:
            return False
        taken = False

        def move(pipe: Any) -> None:
            nonlocal taken
            stored = pipe.hget(channel.unacked_key, tag)
            pipe.multi()
            pipe.zrem(channel.unacked_index_key, tag)
            pipe.hdel(channel.unacked_key, tag)
            taken = stored is not None
            if taken and requeue:
                payload, exchange, routing_key = json.loads(stored)
                # kombu's own restore step: marks it redelivered, finds the queue, keeps priority.
                channel._do_restore_message(payload, exchange, routing_key, pipe, False)

        channel.client.transaction(move, channel.unacked_key)
        return taken
