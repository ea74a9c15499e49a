"""Large uploads never stall the API (issue 17 item 3), with real processes: gunicorn as ``make run``
starts it (2 workers x 4 threads), Redis, the SQLite file, and a short ``SQLITE_TIMEOUT`` so that a
request that has to wait for the write lock fails fast with a 503 instead of hiding the stall.

Three clients each upload several 35-megapixel JPEGs at once while another client keeps reading a
photo through the API with a token. Decoding and re-encoding happen outside any transaction, the
write transactions are a few milliseconds, and an API read does not write (the token's
``last_used_at`` is touched at most once per ``TOKEN_TOUCH_INTERVAL``): every read answers, none
with a 503. A functional check with generous timeouts, not a speed test; the peak memory of the web
workers is recorded next to it (``test-artifacts/upload-lock.json``)."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.conftest import BUS_PHOTO, ROOT
from tests.webapp.stack import Browser
from webapp.devstack import Stack, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(600)]

CLIENTS, FILES_EACH = 3, 4
SIZE = (7000, 5000)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Redis and gunicorn only: no worker, so the photos stay queued and the CPU goes to the uploads."""
    stack = Stack(
        data_dir=tmp_path_factory.mktemp("upload-lock"),
        web_port=free_port(),
        redis_port=free_port(),
        env={"DEBUG": "0", "SQLITE_TIMEOUT": "1"},
    )
    try:
        stack.data_dir.mkdir(parents=True, exist_ok=True)
        stack.broker = stack.choose_broker()
        if stack.broker.startswith("redis://"):
            stack.start_redis()
        stack.manage("migrate", "--noinput")
        stack.start_web()
        yield stack
    finally:
        stack.stop()


def big_jpeg() -> bytes:
    with Image.open(BUS_PHOTO) as photo:
        large = photo.convert("RGB").resize(SIZE, Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    large.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def web_workers_rss(stack: Stack) -> int:
    """Resident memory (bytes) of gunicorn's worker processes, summed."""
    master = stack.processes["web"].pid
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
            if int(fields[1]) != master:
                continue
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def test_api_reads_answer_while_large_uploads_run(web: Stack) -> None:
    browser = Browser(web.url)
    browser.sign_up("uploader")
    token = web.manage("issue_token", "uploader").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    small = BUS_PHOTO.read_bytes()
    first = requests.post(
        f"{web.url}/api/photos/", files=[("image", ("small.jpg", small, "image/jpeg"))], headers=headers, timeout=60
    )
    assert first.status_code == 202, first.text
    photo_url = f"{web.url}/api/photos/{first.json()['photos'][0]['id']}/"
    assert requests.get(photo_url, headers=headers, timeout=60).status_code == 200

    data = big_jpeg()
    uploads: list[requests.Response | BaseException] = []

    def upload(client: int) -> None:
        files = [("image", (f"big-{client}-{i}.jpg", data, "image/jpeg")) for i in range(FILES_EACH)]
        try:
            uploads.append(requests.post(f"{web.url}/api/photos/", files=files, headers=headers, timeout=300))
        except requests.RequestException as exc:
            uploads.append(exc)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(CLIENTS)]
    rss_before = web_workers_rss(web)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    reads: list[tuple[int, float]] = []
    peak = rss_before
    while any(t.is_alive() for t in threads):
        began = time.monotonic()
        status = requests.get(photo_url, headers=headers, timeout=60).status_code
        reads.append((status, time.monotonic() - began))
        peak = max(peak, web_workers_rss(web))
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    figures = {
        "uploads": f"{CLIENTS} clients x {FILES_EACH} JPEGs of {SIZE[0]}x{SIZE[1]} ({len(data) / 1e6:.1f} MB each)",
        "seconds": round(elapsed, 1),
        "reads": len(reads),
        "read_statuses": sorted({s for s, _ in reads}),
        "worst_read_s": round(max(t for _, t in reads), 2),
        "web_workers_rss_mb": {"before": rss_before // 2**20, "peak": peak // 2**20},
    }
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "upload-lock.json").write_text(json.dumps(figures, indent=1))
    print(figures)

    for answer in uploads:
        assert isinstance(answer, requests.Response), answer
        assert answer.status_code == 202, answer.text[:300]
        assert len(answer.json()["photos"]) == FILES_EACH and not answer.json()["rejected"]
    assert reads and all(status == 200 for status, _ in reads), (figures, web.log("web")[-3000:])


def test_hostile_requests_over_http(web: Stack) -> None:
    """The issue-17 kinds of ``tests/webapp/security/test_hostile_requests.py`` through gunicorn:
    each a 4xx or a per-file rejection, never a 500, and the good files of a request are kept."""
    browser = Browser(web.url)
    browser.sign_up("prober")
    token = web.manage("issue_token", "prober").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{web.url}/api"
    hook = requests.put(f"{api}/webhook/", json={"url": "http://[::1/"}, headers=headers, timeout=30)
    assert hook.status_code == 400, hook.text
    for url in ("http://0x7f000001/", "http://127.1/", "http://localhost./", "https://example.org:99999/"):
        assert requests.put(f"{api}/webhook/", json={"url": url}, headers=headers, timeout=30).status_code == 400
    for ids in ("9223372036854775808", "-9223372036854775809", "1,2,99999999999999999999"):
        assert browser.get("/photos/status/", params={"ids": ids}).status_code == 400
    assert browser.get("/photos/99999999999999999999/").status_code == 404
    assert requests.get(f"{api}/photos/9223372036854775808/", headers=headers, timeout=30).status_code in {400, 404}
    assert requests.post(f"{api}/tokens/", json={"name": "a\u0000b"}, headers=headers, timeout=30).status_code == 400

    boundary = "----over-http"
    good = BUS_PHOTO.read_bytes()
    parts = b""
    for name in (b"good.jpg", "Grüße.jpg".encode("latin-1"), b"n" * 1000 + b".jpg", b"fine.jpg"):
        parts += (
            f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="image"; filename="'
            + name
            + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
            + good
            + b"\r\n"
        )
    body = parts + f"--{boundary}--\r\n".encode()
    answer = requests.post(
        f"{api}/photos/",
        data=body,
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    assert [p["file"] for p in answer.json()["photos"]] == ["good.jpg", "fine.jpg"]
    assert len(answer.json()["rejected"]) == 2 and all("file name" in r["error"] for r in answer.json()["rejected"])
    assert " 500 " not in web.log("web")
