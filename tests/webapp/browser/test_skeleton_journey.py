"""The skeleton in real Chromium (Debian's, driven by Playwright): choose files with the file
chooser, watch the library update without a reload while the live region announces it, open
the photo, accept the text, copy the snippet. axe-core checks each page on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO
from tests.webapp.browser.helpers import axe_violations, shot, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_upload_watch_status_live_and_review(page: object) -> None:
    sign_up(page, "chromium-user")
    assert axe_violations(page) == []
    page.get_by_label("Photos to describe").set_input_files([BUS_PHOTO, ELEPHANT_PHOTO])
    page.get_by_role("button", name="Upload and describe").click()
    page.wait_for_url("**/")
    assert "2 photos uploaded and queued" in page.locator("#messages").inner_text()
    region = page.locator("#poll-status")
    assert region.get_attribute("role") == "status"  # present before its text changes
    page.evaluate("window.__sameDocument = true")
    # Both photos finish; the library updates in place (no reload) and the region says so.
    page.wait_for_function(
        "document.querySelectorAll('[data-photo-id][data-status=\"done\"]').length === 2", timeout=240_000
    )
    page.wait_for_function(
        "document.getElementById('poll-status').textContent.includes('alt text ready')", timeout=30_000
    )
    assert page.evaluate("window.__sameDocument") is True
    announced = region.inner_text()
    assert BUS_PHOTO.name in announced or ELEPHANT_PHOTO.name in announced
    bus_card = page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}')")
    assert bus_card.locator("[data-status-label]").inner_text() == "Done"
    assert "bus" in bus_card.locator("img").get_attribute("alt").lower()
    shot(page, "library-done")
    assert axe_violations(page) == []

    bus_card.get_by_role("link", name=BUS_PHOTO.name).click()
    suggestion = page.locator(".suggestion").inner_text()
    assert "bus" in suggestion.lower()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Copy HTML").click()
    page.wait_for_function("document.getElementById('messages').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#snippet").input_value()
    page.get_by_role("button", name="Accept suggestion").click()
    assert "Alt text saved." in page.locator("#messages").inner_text()
    assert suggestion in page.locator("#alt-result").inner_text()
    shot(page, "photo-accepted")


def test_client_side_check_names_the_bad_file_before_upload(page: object, tmp_path: Path) -> None:
    sign_up(page, "chromium-errors")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    page.get_by_label("Photos to describe").set_input_files([notes])
    requests_made: list[str] = []
    page.on("request", lambda r: requests_made.append(r.method) if "/upload/" in r.url else None)
    page.get_by_role("button", name="Upload and describe").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "notes.txt: this is not an image file." in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert requests_made == []  # nothing was sent
    assert axe_violations(page) == []
