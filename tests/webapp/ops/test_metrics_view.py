from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT
from webapp.ops.services import FAILURE_STATUSES, UNKNOWN_REASON
from webapp.photos import services
from webapp.photos.models import Photo
from webapp.photos.tasks import segment_photo

pytestmark = pytest.mark.django_db
TOKEN = "a-long-scrape-token"


def scrape(client, **headers: str) -> dict[tuple[str, tuple], float]:  # noqa: ANN001
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_off_unless_configured(client) -> None:  # noqa: ANN001
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert b"METRICS_TOKEN" in response.content


def test_token(client, settings, broker) -> None:  # noqa: ANN001
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401
    assert scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_allowed_networks_only_for_direct_peers(client, settings, broker) -> None:  # noqa: ANN001
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.1/32"]
    assert scrape(client, REMOTE_ADDR="127.0.0.1")
    assert scrape(client, REMOTE_ADDR="10.2.3.4")
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 401
    # Through a proxy on loopback, the peer is the proxy: never let that in by address.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 401


def photo(user, status: str, **fields: object) -> Photo:  # noqa: ANN001
    return Photo.objects.create(
        owner=user, image=f"{status}-{Photo.objects.count()}.jpg", thumbnail="t.jpg", original_name="p.jpg",
        width=10, height=10, status=status, **fields,
    )  # fmt: skip


def test_photos_failures_processing_seconds_and_queue(client, settings, broker, user, real_segmenter) -> None:  # noqa: ANN001
    settings.METRICS_TOKEN = TOKEN
    now = timezone.now()
    for _ in range(2):
        photo(user, Photo.Status.QUEUED)
    for seconds in (0.3, 4, 700):
        photo(user, Photo.Status.DONE, started_at=now - timedelta(seconds=seconds), finished_at=now)
    photo(user, Photo.Status.DONE)  # from before started_at was kept: not in the histogram
    # Failures as the worker records them: a missing file and an undecodable one, through the
    # real service; a photo dead-lettered by the real sweeper; a failure from before the code was
    # stored, whose message reads like a model error: counted as unknown, never parsed.
    missing = photo(user, Photo.Status.QUEUED)
    broken = photo(user, Photo.Status.QUEUED)
    default_storage.save(broken.image, ContentFile(b"not a JPEG at all"))
    assert services.process_photo(missing.pk) == Photo.Status.REJECTED
    assert services.process_photo(broken.pk) == Photo.Status.REJECTED
    long_ago = now - timedelta(days=1)
    lost = photo(user, Photo.Status.PROCESSING, attempts=settings.PHOTO_MAX_ATTEMPTS, started_at=long_ago)
    assert services.sweep_stale().dead_lettered == [lost.pk]
    photo(user, Photo.Status.FAILED, status_message="The model failed on this photo (RuntimeError). Try again.")
    # Three messages waiting in the broker (one with a priority: kombu keeps it in another list).
    with Connection(broker) as connection:
        for pk, priority in ((1, None), (2, None), (3, 9)):
            segment_photo.apply_async(args=[pk], connection=connection, priority=priority)

    samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("alt_photos", status="queued") == 2
    assert value("alt_photos", status="done") == 4
    assert value("alt_photos", status="rejected") == 2
    assert value("alt_photos", status="failed") == 2
    assert value("alt_photos", status="processing") == 0
    assert value("alt_photo_failures", status="rejected", reason="image_missing") == 1
    assert value("alt_photo_failures", status="rejected", reason="undecodable") == 1
    assert value("alt_photo_failures", status="failed", reason="dead_lettered") == 1
    assert value("alt_photo_failures", status="failed", reason="unknown") == 1
    assert value("alt_photo_failures", status="failed", reason="model_error") == 0
    assert value("alt_photo_failures", status="rejected", reason="unknown") == 0
    assert set(Photo.objects.filter(status__in=FAILURE_STATUSES).values_list("failure_reason", flat=True)) == {
        "image_missing", "undecodable", "dead_lettered", ""
    }  # fmt: skip
    assert value("alt_photo_processing_seconds_bucket", le="0.25") == 0
    assert value("alt_photo_processing_seconds_bucket", le="0.5") == 1
    assert value("alt_photo_processing_seconds_bucket", le="5.0") == 2
    assert value("alt_photo_processing_seconds_bucket", le="600.0") == 2
    assert value("alt_photo_processing_seconds_bucket", le="+Inf") == 3
    assert value("alt_photo_processing_seconds_count") == 3
    assert value("alt_photo_processing_seconds_sum") == pytest.approx(704.3, abs=0.01)
    assert value("alt_queue_messages", queue="celery") == 3
    assert value("alt_queue_unacked_messages") == 0
    assert value("alt_broker_up") == 1


def test_every_reason_has_a_zero_series(client, settings, broker) -> None:  # noqa: ANN001
    # Alerts on a rate need the series before the first failure.
    settings.METRICS_TOKEN = TOKEN
    samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    for status in FAILURE_STATUSES:
        for reason in [*Photo.FailureReason.values, UNKNOWN_REASON]:
            assert samples[("alt_photo_failures", (("reason", reason), ("status", str(status))))] == 0


def test_broker_down_still_answers_with_database_figures(client, settings) -> None:  # noqa: ANN001
    settings.METRICS_TOKEN = TOKEN
    settings.READY_TIMEOUT_MS = 500
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    samples = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert samples[("alt_broker_up", ())] == 0
    assert ("alt_photos", (("status", "queued"),)) in samples
    assert not any(name == "alt_queue_messages" for name, _ in samples)


def test_a_mistyped_network_stops_the_process_at_start() -> None:
    env = {"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,10.0.0.300/32", "DJANGO_SETTINGS_MODULE": "webapp.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "METRICS_ALLOWED_NETWORKS: '10.0.0.300/32' is not a network" in result.stderr
