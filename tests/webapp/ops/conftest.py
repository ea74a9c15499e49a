"""A real Redis broker for the probe and metrics tests (the stack's own redis-server code)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from webapp.devstack import Stack, free_port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    stack = Stack(data_dir=tmp_path_factory.mktemp("redis"), redis_port=free_port())
    stack.start_redis()
    yield f"redis://127.0.0.1:{stack.redis_port}/0"
    stack.stop_process("redis")


@pytest.fixture
def broker(settings, redis_url: str) -> str:  # noqa: ANN001
    settings.CELERY_BROKER_URL = redis_url
    return redis_url
