from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import connections

from tests.webapp.conftest import S3Media
from webapp.devstack import free_port

pytestmark = pytest.mark.django_db


def test_ready_when_database_broker_and_storage_answer(client, broker) -> None:  # noqa: ANN001
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_broker_down_is_named(client, settings) -> None:  # noqa: ANN001
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["broker"]
    assert body["checks"]["broker"]["error"] == "ConnectionError"
    assert "127.0.0.1" not in response.content.decode()  # no internals on a public endpoint


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung Redis)."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for sock in [*accepted, server]:
        sock.close()


def test_hung_broker_answers_503_within_the_timeout(client, settings, silent_port: int) -> None:  # noqa: ANN001
    settings.READY_TIMEOUT_MS = 500
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_port}/0"
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert response.json()["checks"]["broker"]["error"] in {"Timeout", "TimeoutError"}
    assert elapsed < 5, elapsed  # bounded by READY_TIMEOUT_MS (plus a loaded machine's slack), not hung


def point_database_at(monkeypatch, port: int) -> None:  # noqa: ANN001
    # The check opens a connection of its own from the default database's settings: a PostgreSQL
    # server on this port.
    conf = connections.settings["default"]
    for key, value in {
        "ENGINE": "django.db.backends.postgresql", "NAME": "alt", "USER": "alt", "PASSWORD": "x",
        "HOST": "127.0.0.1", "PORT": str(port), "OPTIONS": {},
    }.items():  # fmt: skip
        monkeypatch.setitem(conf, key, value)


def test_database_unreachable_is_named(client, broker, monkeypatch) -> None:  # noqa: ANN001
    point_database_at(monkeypatch, free_port())  # nothing listens there
    response = client.get("/readyz")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"]["error"] == "OperationalError"


def test_hung_database_answers_503_within_the_timeout(client, broker, settings, monkeypatch, silent_port) -> None:  # noqa: ANN001
    settings.READY_TIMEOUT_MS = 500
    point_database_at(monkeypatch, silent_port)
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert elapsed < 5, elapsed


def test_local_storage_that_cannot_be_written_is_named(client, broker, settings, tmp_path) -> None:  # noqa: ANN001
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_fresh_install_without_media_folder_is_ready(client, broker, settings, tmp_path) -> None:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "not" / "yet" / "made"
    assert client.get("/readyz").status_code == 200


def use_s3(settings, monkeypatch, **env: str) -> None:  # noqa: ANN001
    """The storage as production builds it from the AWS_* variables (``env`` overrides some)."""
    from webapp.settings import s3_storage

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}


def test_object_storage_reachable_with_right_keys(client, broker, s3_media: S3Media) -> None:  # noqa: ANN001
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"]["ok"]


def test_object_storage_refusing_our_keys_is_named(client, broker, settings, monkeypatch, s3_media: S3Media) -> None:  # noqa: ANN001, E501
    use_s3(settings, monkeypatch, AWS_SECRET_ACCESS_KEY="a wrong secret")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    assert response.json()["checks"]["storage"]["error"] == "ClientError"


def test_object_storage_down_is_named(client, broker, s3_media: S3Media) -> None:  # noqa: ANN001
    s3_media.server.stop()
    try:
        response = client.get("/readyz")
    finally:
        s3_media.server.start()
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
    # One attempt, answered at once: not the storage's 10 attempts with backoff, which a probe
    # would only see as a timeout.
    assert response.json()["checks"]["storage"]["error"] == "EndpointConnectionError"


def test_object_storage_probe_client_is_made_once(s3_media: S3Media) -> None:
    """Each probe runs on a fresh thread; the boto3 client it uses is made once per process."""
    import threading

    from webapp.ops import services

    services.check_storage(2.0)
    clients = dict(services._s3_probes)
    worker = threading.Thread(target=services.check_storage, args=(2.0,))
    worker.start()
    worker.join()
    assert services._s3_probes == clients
