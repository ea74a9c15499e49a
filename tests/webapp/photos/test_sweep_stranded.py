"""``sweep.recover_stranded`` against a real redis-server: which entries of kombu's ``unacked``
hash go back to the queue (moved, once), which are dropped as duplicates, which are left alone.
The outage that strands them, with the real worker, is in tests/webapp/reliability/test_recovery.py."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from tests.conftest import BUS_PHOTO
from tests.webapp.conftest import upload_file
from webapp.celery import app as celery_app
from webapp.devstack import free_port, port_open, wait_for
from webapp.photos import services
from webapp.photos.management.commands.sweep import recover_stranded
from webapp.photos.models import Photo
from webapp.photos.tasks import segment_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(tmp_path: Path, settings) -> Iterator[redis.Redis]:  # noqa: ANN001
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: port_open(port), timeout=20, what="redis-server", proc=proc)
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    settings.PHOTO_UNACKED_TIMEOUT = 100
    try:
        yield redis.Redis(port=port)
    finally:
        celery_app.conf.broker_url = previous
        proc.terminate()
        proc.wait(timeout=20)


def hold(photo_id: int, *, age: float) -> str:
    """Publish the photo's message and take it as a worker does (into ``unacked``, never acked),
    delivered ``age`` seconds ago. Returns its delivery tag."""
    with celery_app.connection_for_write() as connection:
        # On this connection, not the app's producer pool (made once, for the broker of its first use).
        segment_photo.apply_async((photo_id,), connection=connection)
        channel = connection.default_channel
        message = channel.basic_get("celery", no_ack=False)
        assert message is not None
        tag = message.delivery_tag
        channel.client.zadd(channel.unacked_index_key, {tag: time.time() - age})
        channel.qos._delivered.clear()  # this "worker" vanishes without restoring anything
    return tag


def queued(broker: redis.Redis) -> list[int]:
    return [json.loads(json.loads(raw)["headers"]["argsrepr"].strip("(,)")) for raw in broker.lrange("celery", 0, -1)]


def test_recover_stranded_moves_once_drops_duplicates_leaves_live(user, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        photos = [o.photo for o in services.create_photos(user, [upload_file(BUS_PHOTO) for _ in range(6)])]
    stranded, done, resent, processing, young, gone = (p.pk for p in photos)
    long_ago = timezone.now() - timedelta(hours=1)
    Photo.objects.filter(pk__in=[stranded, young]).update(enqueued_at=long_ago)
    Photo.objects.filter(pk=done).update(status=Photo.Status.DONE)
    Photo.objects.filter(pk=processing).update(status=Photo.Status.PROCESSING, attempts=1, started_at=timezone.now())
    tags = {pk: hold(pk, age=300) for pk in (stranded, done, resent, processing, gone)}
    tags[young] = hold(young, age=5)
    # Sent again after that delivery (the sweeper's queued timeout, or "Try again"): enqueued_at is newer.
    Photo.objects.filter(pk=resent).update(enqueued_at=timezone.now())
    Photo.objects.filter(pk=gone).delete()
    assert broker.llen("celery") == 0 and broker.hlen("unacked") == 6

    report = recover_stranded()

    assert report.requeued == [stranded]
    assert sorted(report.dropped) == sorted([done, resent, gone])
    assert queued(broker) == [stranded]
    assert set(k.decode() for k in broker.hkeys("unacked")) == {tags[processing], tags[young]}
    photo = Photo.objects.get(pk=stranded)
    assert photo.status == Photo.Status.QUEUED and photo.enqueued_at > long_ago and photo.attempts == 0
    # Run again (or a second sweeper): nothing moves twice.
    again = recover_stranded()
    assert again.requeued == [] and again.dropped == [] and queued(broker) == [stranded]
