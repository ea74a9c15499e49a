"""Issue 17 item 13: ``make run`` (``manage.py runstack`` -> ``webapp.devstack.Stack``) never
silently uses a Redis that something else already runs: it starts its own redis-server, with its
data in the data folder, and says which broker it uses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from webapp.devstack import ROOT, Stack, free_port, port_open, wait_for

pytestmark = pytest.mark.skipif(not Path("/usr/bin/redis-server").exists(), reason="needs redis-server")


@pytest.fixture
def foreign_redis(tmp_path: Path) -> Iterator[int]:
    """Another app's Redis, with its own data and a queue of its own, on a port of its own."""
    port = free_port()
    folder = tmp_path / "foreign"
    folder.mkdir()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: port_open(port), timeout=20, what="foreign redis", proc=proc)
    redis.Redis(port=port).rpush("celery", b"another app's message")
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_taken_port_is_not_used_as_the_broker(tmp_path: Path, foreign_redis: int, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("REDIS_URL", raising=False)
    stack = Stack(data_dir=tmp_path / "var", redis_port=foreign_redis)
    try:
        stack.start_broker()
        assert stack.redis_port != foreign_redis
        assert stack.broker == f"redis://127.0.0.1:{stack.redis_port}/0"
        assert f"port {foreign_redis} is taken by another program" in stack.broker_note
        ours = redis.Redis(port=stack.redis_port)
        assert Path(ours.config_get("dir")["dir"]).resolve() == (tmp_path / "var" / "redis").resolve()
        assert ours.llen("celery") == 0  # not the other app's queue
        assert stack.env_for_apps()["CELERY_BROKER_URL"] == stack.broker
    finally:
        stack.stop()
    assert redis.Redis(port=foreign_redis).llen("celery") == 1  # left alone


def test_own_redis_left_running_is_reused(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("REDIS_URL", raising=False)
    first = Stack(data_dir=tmp_path / "var", redis_port=free_port())
    try:
        first.start_broker()
        assert "its own redis-server" in first.broker_note and "reused" not in first.broker_note
        second = Stack(data_dir=tmp_path / "var", redis_port=first.redis_port)
        second.start_broker()
        assert second.broker == first.broker and "reused" in second.broker_note
        assert "redis" not in second.processes  # nothing started twice
    finally:
        first.stop()


def test_a_configured_redis_url_is_used_and_named(tmp_path: Path, foreign_redis: int) -> None:
    url = f"redis://127.0.0.1:{foreign_redis}/0"
    stack = Stack(data_dir=tmp_path / "var", env={"REDIS_URL": url})
    stack.start_broker()
    assert stack.broker == url and "REDIS_URL from the environment" in stack.broker_note
    assert not stack.processes


def test_default_broker_is_not_6379(tmp_path: Path) -> None:
    """Without REDIS_URL, manage.py commands point at make run's own Redis, not a system one."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DEV_REDIS_PORT"}}
    env.update({"DJANGO_SETTINGS_MODULE": "webapp.settings", "DATA_DIR": str(tmp_path)})
    code = "from django.conf import settings; print(settings.CELERY_BROKER_URL, settings.DEV_REDIS_PORT)"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    url, port = out.stdout.split()
    assert port != "6379" and url == f"redis://127.0.0.1:{port}/0"
