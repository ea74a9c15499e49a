"""The whole product as real processes: Redis, a Celery worker with the real development model
(``DEV_WEIGHTS``: the YOLO11n-seg TFLite export, the only file configured, so the alt text comes
from real masks), gunicorn, driven over HTTP the way a browser and an API client drive it."""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path

import numpy as np
import pytest
import requests
from PIL import Image

from tests.conftest import BUS_PHOTO, DEV_MODEL, DEV_WEIGHTS, ELEPHANT_PHOTO, SSDLITE_WEIGHTS, YOLO_TFLITE
from tests.webapp.stack import Browser, start_stack, wait_finished
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def suggestion(page: str, kind: str = "suggestion") -> str:
    inner = re.search(rf'<p class="{kind}">(.*?)</p>', page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", inner))  # the words link to regions: keep the text


def test_browser_upload_gets_alt_text_naming_what_is_there(stack: Stack) -> None:
    browser = Browser(stack.url)
    browser.sign_up("reader")
    with BUS_PHOTO.open("rb") as bus, ELEPHANT_PHOTO.open("rb") as elephants:
        response = browser.post_form(
            "/upload/",
            {},
            files=[
                ("images", (BUS_PHOTO.name, bus, "image/jpeg")),
                ("images", (ELEPHANT_PHOTO.name, elephants, "image/jpeg")),
            ],
        )
    assert response.status_code == 302, response.text
    library = browser.get("/").text
    assert "2 photos uploaded and queued" in library
    ids = [int(i) for i in re.findall(r'data-photo-id="(\d+)"', library)]
    assert len(ids) == 2
    statuses = wait_finished(browser, ids)
    assert {p["status"] for p in statuses.values()} == {"done"}, statuses
    by_name = {p["name"]: p for p in statuses.values()}

    bus_page = browser.get(f"/photos/{by_name[BUS_PHOTO.name]['id']}/").text
    bus_alt = suggestion(bus_page)
    # The COCO annotations of this photo: 3 buses, 10 cars, a truck, a person.
    assert "bus" in bus_alt.lower(), bus_alt
    assert len(bus_alt) <= 125
    assert not bus_alt.lower().startswith(("image of", "picture of", "photo of"))
    elephant_alt = suggestion(browser.get(f"/photos/{by_name[ELEPHANT_PHOTO.name]['id']}/").text)
    assert "elephant" in elephant_alt.lower(), elephant_alt
    # The library's thumbnails now carry the alt text.
    assert f'alt="{html.escape(bus_alt, quote=True)}"' in browser.get("/").text
    # Loaded once (at most at the calibrated thresholds' floor: captioning.thresholds.score_floor).
    assert re.search(rf"Segmentation model {re.escape(DEV_MODEL)} on cpu, min score 0\.\d+", stack.log("worker"))
    if DEV_WEIGHTS != YOLO_TFLITE:
        return
    # Real masks: the words come from them (the annotations: 4 elephants; 3 buses and 10 cars). The
    # number is stated only as far as this model's counts of groups that size hold out of sample
    # (issue 16): "four elephants", or the true floor "four or more elephants", never another number.
    assert re.search(r"\bfour (or more )?elephants\b", elephant_alt.lower()), elephant_alt
    # The cars are background: the short alt may leave them to the long description (issue 16's
    # salience, learned from what people name), which has every fact.
    bus_long = suggestion(bus_page, "long-description")
    assert "car" in f"{bus_alt} {bus_long}".lower(), (bus_alt, bus_long)
    # The regions are the masks' shapes, not boxes: the page says so, each region's share is
    # its mask's (not "its box covers"), and the overlay shades the mask inside each box.
    assert "each shaded in its colour" in bus_page and "its box covers" not in bus_page
    elephant_id = by_name[ELEPHANT_PHOTO.name]["id"]
    elephant_page = browser.get(f"/photos/{elephant_id}/").text
    assert "shaded in colour" in elephant_page and "outlined with coloured boxes" not in elephant_page
    photo = np.asarray(Image.open(io.BytesIO(browser.get(f"/photos/{elephant_id}/image/").content)).convert("RGB"))
    drawn = np.asarray(Image.open(io.BytesIO(browser.get(f"/photos/{elephant_id}/overlay/").content)).convert("RGB"))
    assert drawn.shape == photo.shape
    changed = np.abs(drawn.astype(int) - photo.astype(int)).max(axis=2) > 24
    boxes = re.findall(r"left: ([\d.]+)%; top: ([\d.]+)%; width: ([\d.]+)%; height: ([\d.]+)%", elephant_page)
    height, width = changed.shape
    shares = []
    for left, top, w, h in (tuple(float(v) for v in box) for box in boxes):
        x0, y0 = int(left * width / 100), int(top * height / 100)
        x1, y1 = int((left + w) * width / 100), int((top + h) * height / 100)
        shares.append(changed[y0:y1, x0:x1].mean())
    assert len(shares) == 4
    # A box outline changes a few % of its box; a filled box all of it; a mask in between.
    assert all(0.3 < share < 0.97 for share in shares), shares


def test_api_upload_read_and_accept(stack: Stack) -> None:
    browser = Browser(stack.url)
    browser.sign_up("apiuser")
    token = stack.manage("issue_token", "apiuser").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    with BUS_PHOTO.open("rb") as bus:
        response = requests.post(
            f"{stack.url}/api/photos/",
            headers=headers,
            timeout=60,
            files=[
                ("image", (BUS_PHOTO.name, bus, "image/jpeg")),
                ("image", ("notes.jpg", b"not a photo", "image/jpeg")),
            ],
        )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["rejected"] == [{"file": "notes.jpg", "error": body["rejected"][0]["error"]}]
    photo_url = f"{stack.url}/api/photos/{body['photos'][0]['id']}/"
    deadline = time.monotonic() + 240
    while (data := requests.get(photo_url, headers=headers, timeout=30).json())["status"] in {"queued", "processing"}:
        assert time.monotonic() < deadline, data
        time.sleep(1)
    assert data["status"] == "done"
    assert data["model"] == DEV_MODEL
    assert "bus" in data["alt_text"].lower()
    assert any(o["label"] == "bus" for o in data["objects"])
    response = requests.patch(photo_url, headers=headers, json={"accept": True}, timeout=30)
    assert response.json()["accepted_alt_text"] == data["alt_text"]
    # Another user's token cannot see it.
    Browser(stack.url).sign_up("stranger")
    other = stack.manage("issue_token", "stranger").stdout.strip()
    assert requests.get(photo_url, headers={"Authorization": f"Bearer {other}"}, timeout=30).status_code == 404


def test_no_weights_is_said_in_the_ui_the_worker_log_and_the_photo(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, SEGMENTER="auto", SEGMENTER_WEIGHTS="", TORCH_HOME=str(tmp_path / "torch"))
    try:
        browser = Browser(stack.url)
        browser.sign_up("noweights")
        library = browser.get("/").text
        assert "No description model is installed" in library
        with BUS_PHOTO.open("rb") as bus:
            browser.post_form("/upload/", {}, files=[("images", (BUS_PHOTO.name, bus, "image/jpeg"))])
        ids = [int(i) for i in re.findall(r'data-photo-id="(\d+)"', browser.get("/").text)]
        (photo,) = wait_finished(browser, ids, timeout=120).values()
        assert photo["status"] == "failed"
        assert "No model weights are installed" in photo["message"]
        assert "SEGMENTER_WEIGHTS" in photo["message"]
        assert "No segmentation model" in stack.log("worker")
    finally:
        stack.stop()


def test_embedded_broker_without_redis(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, REDIS_URL="filesystem://", SEGMENTER_WEIGHTS=str(SSDLITE_WEIGHTS))
    try:
        assert stack.broker == "filesystem://" and "redis" not in stack.processes
        browser = Browser(stack.url)
        browser.sign_up("offline")
        with ELEPHANT_PHOTO.open("rb") as f:
            browser.post_form("/upload/", {}, files=[("images", (ELEPHANT_PHOTO.name, f, "image/jpeg"))])
        ids = [int(i) for i in re.findall(r'data-photo-id="(\d+)"', browser.get("/").text)]
        (photo,) = wait_finished(browser, ids, timeout=180).values()
        assert photo["status"] == "done" and "elephant" in photo["alt"].lower()
    finally:
        stack.stop()
