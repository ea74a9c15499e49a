"""Fixtures for the Django app: isolated media, the real development model (``DEV_WEIGHTS``: the
YOLO-seg TFLite export when on hand, else SSDLite), tasks run in-process."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import DEV_WEIGHTS
from tests.s3 import S3Server
from tests.webapp.browser.helpers import CHROMIUM, CHROMIUM_ARGS, LIVE_RECORDER, WIDE
from tests.webapp.stack import start_stack
from webapp.celery import app as celery_app
from webapp.devstack import Stack
from webapp.photos import pipeline


@pytest.fixture(autouse=True)
def app_settings(settings, tmp_path: Path) -> Iterator[object]:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEGMENTER = "auto"  # recognises the file
    settings.SEGMENTER_WEIGHTS = str(DEV_WEIGHTS)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield settings
    pipeline.use_segmenter(None)  # a test's `describe --model` choice ends with the test


@pytest.fixture(scope="session")
def real_segmenter() -> object:
    """Loaded once for the whole run; pipeline keeps it per process like the worker does."""
    from django.conf import settings

    settings.SEGMENTER = "auto"
    settings.SEGMENTER_WEIGHTS = str(DEV_WEIGHTS)
    pipeline.reset_segmenter()
    return pipeline.get_segmenter()


@pytest.fixture
def segmenter_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's segmenter state (loaded model, remembered load error, ``use_segmenter``
    choice) put back after the test: a test that resets or swaps it must not leave later tests a
    different model than the session's ``real_segmenter`` (which they patch and count calls on)."""
    for name in ("_segmenter", "_segmenter_error", "_chosen"):
        monkeypatch.setattr(pipeline, name, getattr(pipeline, name))


@pytest.fixture
def processing(real_segmenter: object, django_capture_on_commit_callbacks) -> Iterator[Callable]:  # noqa: ANN001
    """``with processing(): client.post(...)`` runs each queued ``segment_photo`` in-process
    (the real task and model) when the block's transaction work commits."""
    celery_app.conf.task_always_eager = True
    try:
        yield lambda: django_capture_on_commit_callbacks(execute=True)
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Queued tasks run in-process when sent (``.delay`` inside an on-commit hook runs then)."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture
def user(django_user_model):  # noqa: ANN001
    return django_user_model.objects.create_user("alice", password="correct horse battery")


@pytest.fixture
def other_user(django_user_model):  # noqa: ANN001
    return django_user_model.objects.create_user("mallory", password="correct horse battery")


@pytest.fixture
def logged_in(client, user):  # noqa: ANN001
    client.force_login(user)
    return client


def upload_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="image/jpeg")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole app as real processes (Redis, Celery worker with the real development model,
    gunicorn), shared by the end-to-end and browser tests. Only ``DEV_WEIGHTS`` is configured."""
    stack = start_stack(tmp_path_factory.mktemp("stack"), SEGMENTER="auto", SEGMENTER_WEIGHTS=str(DEV_WEIGHTS))
    yield stack
    stack.stop()


# Browser fixtures (Debian's Chromium through Playwright), defined once here so every folder
# shares one browser for the whole run: Playwright's sync API cannot start once another test
# (schemathesis) has left an asyncio loop behind.
@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does it)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser: object) -> Iterator[Callable[[str], object]]:
    """``open_page(base_url)``: a fresh browser context (own cookies) at 1280 × 900 with the
    clipboard allowed and the live-region recorder installed; closed after the test."""
    contexts: list[object] = []

    def make(base_url: str) -> object:
        context = browser.new_context(base_url=base_url, viewport=WIDE)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        context.add_init_script(LIVE_RECORDER)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[[str], object], stack: Stack) -> object:
    return open_page(stack.url)


# --- S3 object storage (issue 20) -----------------------------------------------------------------
@dataclass(frozen=True)
class S3Media:
    """The default storage switched to a fresh bucket of the session's real S3 server."""

    server: S3Server
    bucket: str

    def keys(self, prefix: str = "") -> list[str]:
        """Every object key in the bucket under ``prefix``, listed by a plain boto3 client (not
        through the app's storage), so a test sees what really is in the bucket."""
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def get(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def env(self) -> dict[str, str]:
        """The environment a process (a worker, ``manage.py``) needs to use this bucket."""
        return self.server.settings_env(self.bucket)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One real S3 server (rclone serve s3) for the whole run; each test gets its own bucket."""
    with S3Server(tmp_path_factory.mktemp("s3") / "root") as server:
        yield server


@pytest.fixture
def s3_media(s3_server: S3Server, settings, monkeypatch, tmp_path: Path) -> S3Media:  # noqa: ANN001
    """Stored files go to a fresh bucket, configured exactly as production is (the ``AWS_*``
    variables read by ``webapp.settings.s3_storage``); MEDIA_ROOT points at a folder that does not
    exist, so nothing can quietly use a local file."""
    from webapp.settings import s3_storage

    bucket = f"test-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(bucket)
    for name, value in s3_server.settings_env(bucket).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage()}
    settings.MEDIA_ROOT = tmp_path / "no-local-media"
    return S3Media(s3_server, bucket)


@pytest.fixture(params=["local", "s3"])
def media(request: pytest.FixtureRequest) -> S3Media | None:
    """Run a test with each storage: the local folder (``None``) and S3 (:class:`S3Media`)."""
    return request.getfixturevalue("s3_media") if request.param == "s3" else None
