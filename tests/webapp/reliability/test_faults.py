"""Faults with real processes: a real redis-server, a real Celery worker (prefork, the real SSDLite
model), gunicorn, the sweeper loop and the SQLite database, started by ``webapp.devstack`` exactly
as ``make run`` starts them. Each test breaks one thing for real (SIGKILL, Redis restart, Redis
data wiped, a photo that kills its worker every time, the database locked) and then asserts that
every photo ends done/rejected/failed with exactly one result.

Timeouts are shortened through the same environment variables production uses (the sweeper's
clocks, the SQLite busy timeout), so the tests take seconds, not the production minutes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg.rows import dict_row

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, ROOT, SSDLITE_WEIGHTS
from tests.webapp.security.corpus import ACCEPT, KINDS
from tests.webapp.stack import Browser, restart_redis, start_stack
from webapp.devstack import Stack, process_table, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(420)]

FINAL = {"done", "rejected", "failed"}
MAX_ATTEMPTS = 3
FAULT_ENV = {
    "SEGMENTER": "ssdlite320_mobilenet_v3_large",
    "SEGMENTER_WEIGHTS": str(SSDLITE_WEIGHTS),
    "SEGMENTER_THREADS": "1",
    "PHOTO_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
    "PHOTO_QUEUED_TIMEOUT": "10",
    "PHOTO_PROCESSING_TIMEOUT": "15",
    "SWEEP_INTERVAL": "1",
    "SQLITE_TIMEOUT": "2",
    "PHOTO_DB_RETRY_BACKOFF_MAX": "4",
    "UPLOAD_MAX_REQUEST_BYTES": str(8 * 1024 * 1024),
}
RUNS: list[dict] = []


@pytest.fixture(scope="module")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("faults"), **FAULT_ENV)
    try:
        yield stack
    finally:
        stack.stop()
        if RUNS:
            out = ROOT / "test-artifacts"
            out.mkdir(exist_ok=True)
            (out / "fault-runs.json").write_text(json.dumps(RUNS, indent=1))


@pytest.fixture(scope="module")
def api(fault_stack: Stack) -> ApiClient:
    browser = Browser(fault_stack.url)
    browser.sign_up("faulty")
    token = fault_stack.manage("issue_token", "faulty").stdout.strip()
    return ApiClient(fault_stack, browser, token)


@pytest.fixture(autouse=True)
def healthy(fault_stack: Stack) -> Iterator[None]:
    """Each test starts and leaves the stack whole (a test may stop a process on purpose)."""
    yield
    if "redis" not in fault_stack.processes:
        fault_stack.start_redis()
    if "worker" not in fault_stack.processes or fault_stack.processes["worker"].poll() is not None:
        fault_stack.processes.pop("worker", None)
        fault_stack.start_worker()


class ApiClient:
    def __init__(self, stack: Stack, browser: Browser, token: str) -> None:
        self.stack, self.browser, self.headers = stack, browser, {"Authorization": f"Bearer {token}"}

    def upload(self, count: int, photo: Path = BUS_PHOTO, prefix: str = "photo") -> list[int]:
        files = [("image", (f"{prefix}-{i}.jpg", photo.read_bytes(), "image/jpeg")) for i in range(count)]
        response = requests.post(f"{self.stack.url}/api/photos/", files=files, headers=self.headers, timeout=120)
        assert response.status_code == 202, response.text
        return [p["id"] for p in response.json()["photos"]]


# The stack's database: its SQLite file, or its own PostgreSQL database under TEST_DATABASE=postgres.
DB_ERRORS = (sqlite3.OperationalError, psycopg.OperationalError)


def on_postgres(stack: Stack) -> bool:
    return stack.env.get("DATABASE_URL", "").startswith("postgres")


def db(stack: Stack) -> sqlite3.Connection | psycopg.Connection:
    if on_postgres(stack):
        return psycopg.connect(stack.env["DATABASE_URL"], row_factory=dict_row, autocommit=True)
    connection = sqlite3.connect(f"file:{stack.data_dir / 'db.sqlite3'}?mode=ro", uri=True, timeout=30)
    connection.row_factory = sqlite3.Row
    return connection


def mark(stack: Stack) -> str:
    """The driver's query parameter mark."""
    return "%s" if on_postgres(stack) else "?"


def rows(stack: Stack, ids: list[int]) -> dict[int, sqlite3.Row]:
    marks = ",".join([mark(stack)] * len(ids))
    with db(stack) as connection:
        found = connection.execute(f"SELECT * FROM photos_photo WHERE id IN ({marks})", ids).fetchall()
    return {row["id"]: row for row in found}


def wait_final(stack: Stack, ids: list[int], timeout: float = 240) -> dict[int, sqlite3.Row]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            current = rows(stack, ids)
        except DB_ERRORS:  # the database is locked by the test itself
            current = {}
        if len(current) == len(ids) and all(r["status"] in FINAL for r in current.values()):
            return current
        time.sleep(0.5)
    statuses = {i: (r["status"], r["attempts"]) for i, r in rows(stack, ids).items()}
    raise AssertionError(
        f"not finished after {timeout} s: {statuses}\n--- worker log ---\n{stack.log('worker')[-4000:]}"
        f"\n--- sweeper log ---\n{stack.log('sweeper')[-2000:]}"
    )


def assert_one_result_each(stack: Stack, ids: list[int]) -> dict[int, sqlite3.Row]:
    """Every photo finished; a done photo has exactly one result (one suggestion, one set of
    instances: the object rows are exactly the result's objects, once each)."""
    final = rows(stack, ids)
    with db(stack) as connection:
        for photo_id, row in final.items():
            assert row["status"] in FINAL, (photo_id, row["status"])
            objects = connection.execute(
                f'SELECT label, "index" FROM photos_detectedobject WHERE photo_id = {mark(stack)} ORDER BY "index"',
                [photo_id],
            ).fetchall()
            if row["status"] == "done":
                result = row["result"] if isinstance(row["result"], dict) else json.loads(row["result"])
                stated = result["description"]["objects"]
                found = [(o["label"], o["index"]) for o in objects]
                assert [(o["label"], o["index"]) for o in stated] == found, photo_id
                assert row["suggested_alt"] == result["description"]["alt_text"] and row["suggested_alt"]
                assert row["finished_at"] and row["last_error"] == ""
            else:
                assert row["status_message"], photo_id
                assert not objects, photo_id
    return final


def record(fault: str, ids: list[int], final: dict[int, sqlite3.Row], started: float, **extra: object) -> None:
    RUNS.append(
        {
            "fault": fault,
            "photos": len(ids),
            "statuses": {str(i): final[i]["status"] for i in ids},
            "attempts": {str(i): final[i]["attempts"] for i in ids},
            "seconds": round(time.monotonic() - started, 1),
            **extra,
        }
    )


def wait_processing(stack: Stack, ids: list[int], timeout: float = 120, min_attempts: int = 1) -> int:
    """Poll until one of ``ids`` is being processed; return its id."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for photo_id, row in rows(stack, ids).items():
                if row["status"] == "processing" and row["attempts"] >= min_attempts:
                    return photo_id
        except DB_ERRORS:
            pass
        time.sleep(0.02)
    raise AssertionError(f"none of {ids} started processing in {timeout} s\n{stack.log('worker')[-3000:]}")


def kill_pool_children(stack: Stack) -> list[int]:
    children = stack.worker_children()
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return children


def signal_each(pids: list[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def freeze(pids: list[int]) -> list[int]:
    """SIGSTOP ``pids`` and wait until each is stopped (a signal is sent at once, taken later)."""
    signal_each(pids, signal.SIGSTOP)

    def stopped() -> bool:
        running = {p.pid for p in process_table() if p.state not in "tTZX"}
        return not running.intersection(pids)  # a process gone is not running either

    wait_for(stopped, timeout=10, what="frozen pool processes")
    return pids


# --- the faults ----------------------------------------------------------------------------------


def test_sigkill_worker_child_mid_photo(fault_stack: Stack, api: ApiClient) -> None:
    started = time.monotonic()
    ids = api.upload(3)
    victim = wait_processing(fault_stack, ids)
    killed = kill_pool_children(fault_stack)
    assert killed, "no pool process to kill"
    mid_photo = rows(fault_stack, [victim])[victim]["status"] == "processing"
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    if mid_photo:  # killed before it finished: it ran again
        assert final[victim]["attempts"] == 2
    assert "WorkerLostError" in fault_stack.log("worker") or "SIGKILL" in fault_stack.log("worker")
    record("SIGKILL worker pool process mid-photo", ids, final, started, killed_mid_photo=mid_photo)


def test_sigkill_whole_worker_then_restart(fault_stack: Stack, api: ApiClient) -> None:
    """The whole worker dies (power loss): its unacknowledged message sits in Redis for the
    visibility timeout; the sweeper sees the row stuck in 'processing' and queues it again."""
    started = time.monotonic()
    ids = api.upload(3)
    victim = wait_processing(fault_stack, ids)
    fault_stack.stop_process("worker", signal.SIGKILL)
    mid_photo = rows(fault_stack, [victim])[victim]["status"] == "processing"
    time.sleep(1)
    fault_stack.start_worker()
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    if mid_photo:
        assert final[victim]["attempts"] == 2
        assert f"re-queued photo {victim}" in fault_stack.log("sweeper")
    record("SIGKILL whole worker mid-photo, new worker", ids, final, started, killed_mid_photo=mid_photo)


def test_redis_restart_with_queued_photos(fault_stack: Stack, api: ApiClient) -> None:
    """Redis restarts (AOF on) while photos wait in the queue and one is in flight."""
    started = time.monotonic()
    ids = api.upload(5)
    restart_redis(fault_stack, down_for=2)
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    record("Redis restarted with queued photos (worker running)", ids, final, started)


def test_upload_while_redis_is_down(fault_stack: Stack, api: ApiClient) -> None:
    """Publishing fails: the upload still succeeds (the row is the outbox) and the sweeper sends
    the photo once Redis is back."""
    started = time.monotonic()
    fault_stack.stop_process("redis", signal.SIGKILL)
    ids = api.upload(2)
    assert {r["status"] for r in rows(fault_stack, ids).values()} == {"queued"}
    fault_stack.start_redis()
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    assert "the sweeper will send it again" in fault_stack.log("web")
    record("upload while Redis is down", ids, final, started)


def test_redis_data_lost_entirely(fault_stack: Stack, api: ApiClient) -> None:
    """Every queued message is gone (Redis killed, its data deleted): the sweeper re-sends each
    photo from its row."""
    started = time.monotonic()
    fault_stack.stop_process("worker")  # graceful: the photos stay queued in Redis
    ids = api.upload(4)
    restart_redis(fault_stack, wipe=True)
    fault_stack.start_worker()
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    for photo_id in ids:
        assert f"re-queued photo {photo_id}" in fault_stack.log("sweeper")
    record("Redis data lost entirely (killed, AOF deleted)", ids, final, started)


def test_poison_photo_is_dead_lettered(fault_stack: Stack, api: ApiClient) -> None:
    """A photo whose processing kills the worker process every time. No image we could make
    crashes torch on demand, so the test plays the crash: each time it sees this photo in
    'processing' (a new attempt), it SIGKILLs the pool process, as a segfault in the model
    would. The counter on the row, not the queue, ends the loop: dead-lettered after
    PHOTO_MAX_ATTEMPTS, while the photos queued behind it are unaffected. "Try again" works."""
    started = time.monotonic()
    fault_stack.stop_process("worker")  # so the test is watching when the poison photo starts
    poison = api.upload(1, photo=ELEPHANT_PHOTO, prefix="poison")[0]
    others = api.upload(3)
    fault_stack.start_worker()
    kills = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        row = rows(fault_stack, [poison])[poison]
        if row["status"] in FINAL:
            break
        if row["status"] == "processing" and row["attempts"] > kills:
            # Frozen, then checked again, then killed: the attempt cannot end in between (as it
            # could between a check and a kill of a running process).
            children = freeze(fault_stack.worker_children())
            row = rows(fault_stack, [poison])[poison]
            if children and row["status"] == "processing" and row["attempts"] > kills:
                signal_each(children, signal.SIGKILL)
                kills = row["attempts"]
            else:
                signal_each(children, signal.SIGCONT)
        time.sleep(0.02)
    final = wait_final(fault_stack, [poison, *others])
    assert_one_result_each(fault_stack, [poison, *others])
    assert kills == MAX_ATTEMPTS
    assert final[poison]["status"] == "failed" and final[poison]["attempts"] == MAX_ATTEMPTS
    assert final[poison]["status_message"].startswith(f"Set aside after {MAX_ATTEMPTS} attempts")
    message = final[poison]["status_message"]
    assert "worker lost" in message or "no word from the worker" in message
    assert all(final[i]["status"] == "done" and final[i]["attempts"] == 1 for i in others)
    record("poison photo kills its worker every time", [poison, *others], final, started, kills=kills)

    # The person's "Try again" (the retry button) gives it a fresh budget; this time it runs.
    page = api.browser.get(f"/photos/{poison}/")
    assert "Set aside after" in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = api.browser.session.post(
        f"{fault_stack.url}/photos/{poison}/retry/",
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{fault_stack.url}/photos/{poison}/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302
    final = wait_final(fault_stack, [poison])
    assert final[poison]["status"] == "done" and final[poison]["attempts"] == 1
    assert_one_result_each(fault_stack, [poison])


def test_database_locked_for_a_while(fault_stack: Stack, api: ApiClient) -> None:
    """Another connection holds an exclusive SQLite lock for 8 s (four times the busy timeout)
    while photos are being processed: the task retries with backoff, nothing is lost. (On
    PostgreSQL: an exclusive lock on the photo table for 8 s; writers wait instead of failing.)"""
    started = time.monotonic()
    ids = api.upload(4)
    wait_processing(fault_stack, ids)
    if on_postgres(fault_stack):
        with psycopg.connect(fault_stack.env["DATABASE_URL"]) as locker:  # one transaction, rolled back
            locker.execute("LOCK TABLE photos_photo IN ACCESS EXCLUSIVE MODE")
            time.sleep(8)
            locker.rollback()
    else:
        locker = sqlite3.connect(fault_stack.data_dir / "db.sqlite3", isolation_level=None, timeout=30)
        locker.execute("BEGIN EXCLUSIVE")
        time.sleep(8)
        locker.execute("ROLLBACK")
        locker.close()
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    if not on_postgres(fault_stack):
        log = fault_stack.log("worker")
        assert "database is locked" in log and "Retry in" in log
    which = "PostgreSQL photo table" if on_postgres(fault_stack) else "SQLite"
    record(f"{which} locked exclusively for 8 s mid-processing", ids, final, started)


def test_hostile_corpus_over_http_crashes_nothing(fault_stack: Stack, api: ApiClient) -> None:
    """The hostile corpus through gunicorn and the real worker: a 4xx with a message or a
    processed photo for each kind, no 500, and the worker's pool process never dies."""
    started = time.monotonic()
    wait_for(fault_stack.worker_children, timeout=120, what="worker pool process")
    children_before = sorted(fault_stack.worker_children())
    worker_log_start, web_log_start = len(fault_stack.log("worker")), len(fault_stack.log("web"))
    ids, outcomes = [], {}
    for kind in KINDS:
        files = [("image", (kind.filename, kind.make(), kind.content_type))]
        response = requests.post(f"{fault_stack.url}/api/photos/", files=files, headers=api.headers, timeout=120)
        assert response.status_code < 500, (kind.name, response.text)
        if kind.expect == ACCEPT:
            assert response.status_code == 202, (kind.name, response.text)
            ids.append(response.json()["photos"][0]["id"])
        else:
            assert response.status_code == 400 and kind.expect in response.json()["rejected"][0]["error"], kind.name
        outcomes[kind.name] = response.status_code
    url = f"{fault_stack.url}/api/photos/"
    many = [("image", (f"{i}.jpg", b"x", "image/jpeg")) for i in range(21)]
    assert requests.post(url, files=many, headers=api.headers, timeout=60).status_code == 400
    big = [("image", ("big.jpg", os.urandom(9 * 1024 * 1024), "image/jpeg"))]
    huge = requests.post(url, files=big, headers=api.headers, timeout=60)
    assert huge.status_code == 413 and "at most" in huge.json()["error"]
    for body, content_type in [
        (b'--XyZ\r\nContent-Disposition: form-data; name="image"', "multipart/form-data; boundary=XyZ"),
        (b"junk", "multipart/form-data"),
        (bytes(range(256)) * 50, "multipart/form-data; boundary=XyZ"),
    ]:
        response = requests.post(url, data=body, headers={**api.headers, "Content-Type": content_type}, timeout=60)
        assert response.status_code == 400 and response.json()["error"], response.text
    final = wait_final(fault_stack, ids)
    assert_one_result_each(fault_stack, ids)
    assert {r["status"] for r in final.values()} == {"done"}
    assert sorted(fault_stack.worker_children()) == children_before  # no pool process died
    assert "WorkerLostError" not in fault_stack.log("worker")[worker_log_start:]
    assert not re.search(r'HTTP/1\.1" 5\d\d ', fault_stack.log("web")[web_log_start:])
    record("hostile corpus over HTTP", ids, final, started, kinds=len(KINDS))
