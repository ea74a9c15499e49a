"""Issue 17 item 12: a message stranded in Redis's ``unacked`` hash by a broker outage is moved
back to the queue within about two minutes of Redis returning, not after the visibility timeout
(20 min) or the sweeper's PHOTO_QUEUED_TIMEOUT (15 min), and the photo is processed once.

How a message gets stranded (webapp/celery.py has the long story): the worker holds a message it
has not started - here a countdown message, exactly what ``segment_photo``'s database-busy
autoretry publishes - when Redis goes away. Celery drops the held message and closes the channel,
whose restore to the queue fails because Redis is down; the entry stays in ``unacked``.

Real processes as in test_faults.py, but with the production PHOTO_QUEUED_TIMEOUT (900 s), so
only the new recovery can finish the photo within the test's wait.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest
import redis

from tests.webapp.reliability.test_faults import FAULT_ENV, ApiClient, assert_one_result_each, rows, wait_final
from tests.webapp.stack import Browser, restart_redis, start_stack
from webapp.devstack import Stack, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]

UNACKED_TIMEOUT = 15  # PHOTO_UNACKED_TIMEOUT, shortened like the other clocks in these tests
COUNTDOWN = 30  # the held message's countdown (a database-busy retry waits up to 60 s)
RECOVERY_ENV = {**FAULT_ENV, "PHOTO_QUEUED_TIMEOUT": "900", "PHOTO_UNACKED_TIMEOUT": str(UNACKED_TIMEOUT)}


@pytest.fixture(scope="module")
def recovery_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("recovery"), **RECOVERY_ENV)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def api(recovery_stack: Stack) -> ApiClient:
    browser = Browser(recovery_stack.url)
    browser.sign_up("stranded")
    token = recovery_stack.manage("issue_token", "stranded").stdout.strip()
    return ApiClient(recovery_stack, browser, token)


def queue_photo_without_message(stack: Stack, api: ApiClient) -> int:
    """An uploaded photo whose message could not be published (Redis down): the row waits for
    the sweeper's PHOTO_QUEUED_TIMEOUT; the test sends the only message itself."""
    stack.stop_process("redis", signal.SIGKILL)
    (photo_id,) = api.upload(1)
    stack.start_redis()
    return photo_id


def send_countdown_message(stack: Stack, photo_id: int) -> None:
    task = "from webapp.photos.tasks import segment_photo as task; "
    stack.manage("shell", "-c", task + f"task.apply_async(({photo_id},), countdown={COUNTDOWN})")


def test_message_stranded_by_an_outage_is_redelivered_once(recovery_stack: Stack, api: ApiClient) -> None:
    stack = recovery_stack
    photo_id = queue_photo_without_message(stack, api)
    broker = redis.Redis(port=stack.redis_port)
    assert broker.llen("celery") == 0
    send_countdown_message(stack, photo_id)
    wait_for(lambda: broker.hlen("unacked") == 1, timeout=60, what="the worker holding the message")
    (tag,) = broker.hkeys("unacked")

    restart_redis(stack, down_for=3)  # SIGTERM: Redis writes its append-only file, then comes back
    returned = time.monotonic()
    broker = redis.Redis(port=stack.redis_port)
    # The stranded state of the issue: the worker let go of it, the hash still holds it, the queue is empty.
    wait_for(
        lambda: "Connected to " in stack.log("worker").rsplit("Connection to broker lost", 1)[-1],
        timeout=60,
        what="the worker reconnecting",
    )
    assert broker.hexists("unacked", tag) and broker.llen("celery") == 0
    assert rows(stack, [photo_id])[photo_id]["status"] == "queued"

    final = wait_final(stack, [photo_id], timeout=COUNTDOWN + 90)
    recovered_after = time.monotonic() - returned
    assert_one_result_each(stack, [photo_id])
    assert final[photo_id]["status"] == "done"
    assert final[photo_id]["attempts"] == 1  # processed once
    assert f"moved photo {photo_id} back to the queue" in stack.log("sweeper")
    assert broker.hlen("unacked") == 0 and broker.llen("celery") == 0  # nothing left to run it again
    assert recovered_after < 120, recovered_after
