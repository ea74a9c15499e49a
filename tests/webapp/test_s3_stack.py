"""Issue 20: the app as real processes (gunicorn, Redis, a Celery worker with the real development
model) with its files in a real S3 server (rclone serve s3) and no media folder on any process: the
worker reads the photo from the bucket, the web process streams it back to its owner only."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tests.conftest import BUS_PHOTO, DEV_WEIGHTS
from tests.s3 import S3Server
from tests.webapp.stack import Browser, start_stack, wait_finished

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_worker_reads_from_the_bucket_and_the_owner_gets_it_back(s3_server: S3Server, tmp_path: Path) -> None:
    bucket = f"stack-{uuid.uuid4().hex[:12]}"
    s3_server.create_bucket(bucket)
    no_media = tmp_path / "no-media-here"
    stack = start_stack(
        tmp_path / "stack",
        SEGMENTER="auto",
        SEGMENTER_WEIGHTS=str(DEV_WEIGHTS),
        MEDIA_ROOT=str(no_media),
        **s3_server.settings_env(bucket),
    )
    try:
        browser = Browser(stack.url)
        browser.sign_up("archivist")
        with BUS_PHOTO.open("rb") as bus:
            response = browser.post_form("/upload/", {}, files=[("images", (BUS_PHOTO.name, bus, "image/jpeg"))])
        assert response.status_code == 302, response.text
        ids = [int(i) for i in re.findall(r'data-photo-id="(\d+)"', browser.get("/").text)]
        (photo,) = wait_finished(browser, ids, timeout=180).values()
        assert photo["status"] == "done" and "bus" in photo["alt"].lower(), photo

        client = s3_server.client()
        keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", ()))
        assert len(keys) == 2 and keys[0].startswith("photos/") and any(k.endswith("_thumb.jpg") for k in keys)
        image_key = next(k for k in keys if not k.endswith("_thumb.jpg"))
        served = browser.get(f"/photos/{ids[0]}/image/")
        assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
        assert served.content == client.get_object(Bucket=bucket, Key=image_key)["Body"].read()
        stranger = Browser(stack.url)
        stranger.sign_up("stranger")
        assert stranger.get(f"/photos/{ids[0]}/image/").status_code == 404
        assert not no_media.exists()  # no process wrote a local file
    finally:
        stack.stop()
