"""Fixtures for the integrations tests: tokens, photos with a stored result (no model run: the
result is a hand-made ``Instances`` stored through ``services.store_result``, as the worker does),
a real HTTP receiver on 127.0.0.1, and the browser fixtures."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from captioning import describe
from segmentation.result import Instances
from tests.conftest import jpeg_bytes
from webapp.accounts.models import ApiToken
from webapp.celery import app as celery_app
from webapp.photos import services
from webapp.photos.models import Photo


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(user) -> str:  # noqa: ANN001
    return ApiToken.issue(user, "tests")[1]


def stored_photo(
    owner: object,
    name: str,
    labels: tuple[str, ...] = ("dog", "person"),
    *,
    capture: Callable | None = None,
) -> Photo:
    """An uploaded 400 × 200 photo whose result (``labels`` side by side) is stored as the worker
    stores it. With ``capture`` (``django_capture_on_commit_callbacks``), the on-commit work runs
    (the ``photo_described`` signal and its receivers)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, jpeg_bytes((400, 200)), content_type="image/jpeg")
    photo = services.create_photos(owner, [upload])[0].photo
    n = len(labels)
    boxes = np.array([[20 + 380 * i / n, 40, 20 + 380 * (i + 1) / n - 10, 190] for i in range(n)], dtype=np.float32)
    instances = Instances(
        image_size=(400, 200),
        labels=labels,
        scores=np.full(n, 0.93, dtype=np.float32),
        boxes=boxes,
        model="test-boxes",
    )
    if capture is None:
        services.store_result(photo.pk, instances, describe(instances))
    else:
        with capture(execute=True):
            services.store_result(photo.pk, instances, describe(instances))
    return Photo.objects.get(pk=photo.pk)


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records each POST (headers and raw body) and answers
    with the next status in ``statuses`` (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:  # noqa: ANN001
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver is on 127.0.0.1
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/alt"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
