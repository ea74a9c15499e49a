"""Helpers for tests that run the app as real processes (see ``webapp.devstack``)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import requests

from tests.pg import fresh_database_url, wants_postgres
from webapp.devstack import Stack, free_port


def start_stack(tmp: Path, **env: str) -> Stack:
    if wants_postgres() and "DATABASE_URL" not in env:
        # Under TEST_DATABASE=postgres each stack gets its own empty database, as SQLite gives it a file.
        env["DATABASE_URL"] = fresh_database_url(os.environ["DATABASE_URL"])
    stack = Stack(data_dir=tmp, web_port=free_port(), redis_port=free_port(), env={"DEBUG": "0", **env})
    try:
        return stack.start()
    except Exception:
        stack.stop()
        raise


def restart_redis(stack: Stack, *, wipe: bool = False, down_for: float = 0.0) -> None:
    """Stop the stack's redis-server (SIGTERM: it writes its append-only file; with ``wipe``,
    SIGKILL and its data deleted: every queued message lost) and start it again on the same port."""
    stack.stop_process("redis", signal.SIGKILL if wipe else signal.SIGTERM)
    if wipe:
        shutil.rmtree(stack.data_dir / "redis", ignore_errors=True)
    time.sleep(down_for)
    stack.start_redis()


class Browser:
    """A requests session that behaves like a form-submitting browser (cookies + CSRF)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def get(self, path: str, **kw: object) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kw)

    def post_form(self, path: str, data: dict, files: list | None = None) -> requests.Response:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.session.post(
            self.base + path,
            data={**data, "csrfmiddlewaretoken": token},
            files=files,
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=60,
        )

    def sign_up(self, username: str) -> None:
        password = "an unusual long passphrase"
        response = self.post_form(
            "/account/signup/", {"username": username, "password1": password, "password2": password}
        )
        assert response.status_code == 302, response.text


def wait_finished(browser: Browser, ids: list[int], timeout: float = 240) -> dict[int, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = browser.get("/photos/status/", params={"ids": ",".join(map(str, ids))}).json()["photos"]
        if len(data) == len(ids) and all(p["finished"] for p in data):
            return {p["id"]: p for p in data}
        time.sleep(1)
    raise AssertionError(f"photos {ids} not finished after {timeout} s")
