"""Every page and state in real Chromium, audited by axe-core (WCAG 2.0/2.1/2.2 A and AA and best
practice; colour contrast again in the dark scheme; reflow and axe at 320 px), with screenshots
at 1280 and 320 px in ``test-artifacts/``. Also where focus lands after each action, the live
regions, the overlay of the photo page, and thumbnails using the reviewed alt text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import BUS_PHOTO, DEV_WEIGHTS, ELEPHANT_PHOTO, SSDLITE_WEIGHTS
from tests.webapp.browser.helpers import announcements, audit, focused, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def focus_is_error_summary(page: object) -> bool:
    return page.evaluate("document.activeElement.hasAttribute('data-error-summary')")


def test_logged_out_pages_and_their_errors(page: object) -> None:
    page.goto("/accounts/login/")
    assert page.locator("h1").count() == 1
    assert audit(page, "login") == []

    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    assert page.title().startswith("Error: ")
    assert audit(page, "login-errors") == []

    page.goto("/account/signup/")
    assert audit(page, "signup") == []
    page.get_by_label("Username").fill("bad name!")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("different")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    # Each error links to its field, and following the link puts focus in the field.
    first = page.locator("[data-error-summary] a").first
    target = first.get_attribute("href")
    first.press("Enter")
    assert page.evaluate("'#' + document.activeElement.id") == target
    assert audit(page, "signup-errors") == []

    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert audit(page, "404-logged-out") == []


def test_empty_library_upload_errors_account_404_and_403(page: object, tmp_path: Path) -> None:
    sign_up(page, "pages-user")
    assert page.locator("h1").inner_text() == "Your photos"
    assert "No photos yet" in page.locator("main").inner_text()
    assert audit(page, "library-empty") == []

    # The client-side check: the summary (present, hidden) is filled and takes focus; nothing is sent.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    page.get_by_label("Photos to describe").set_input_files([notes])
    page.get_by_role("button", name="Upload and describe").click()
    assert focus_is_error_summary(page)
    assert "notes.txt: this is not an image file." in page.locator("[data-error-summary]").inner_text()
    assert audit(page, "library-client-error") == []

    # The server's check: a file that claims to be a JPEG but is not; the page comes back as an
    # error page with the summary focused, the field marked invalid.
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg at all")
    page.get_by_label("Photos to describe").set_input_files([broken])
    page.get_by_role("button", name="Upload and describe").click()
    page.wait_for_url("**/upload/")
    assert focus_is_error_summary(page)
    assert "broken.jpg:" in page.locator("[data-error-summary]").inner_text()
    assert page.get_by_label("Photos to describe").get_attribute("aria-invalid") == "true"
    assert page.title().startswith("Error: ")
    assert audit(page, "upload-errors") == []

    page.goto("/upload/")
    assert audit(page, "upload") == []

    page.goto("/account/")
    assert audit(page, "account") == []
    page.get_by_label("Token name").fill("CMS plug-in")
    page.get_by_role("button", name="Create a token").click()
    page.wait_for_selector("#new-token")
    assert audit(page, "account-token") == []

    # 403: a form whose security token no longer matches (what a stale page gets).
    page.evaluate("document.querySelector('main form input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
    page.get_by_role("button", name="Create a token").click()
    page.wait_for_selector("h1:has-text('Not allowed')")
    assert audit(page, "403") == []

    response = page.goto("/photos/999999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert audit(page, "404") == []


def test_done_photos_photo_page_edit_errors_accept_and_search(page: object) -> None:
    sign_up(page, "pages-done")
    page.get_by_label("Photos to describe").set_input_files([BUS_PHOTO, ELEPHANT_PHOTO])
    page.get_by_role("button", name="Upload and describe").click()
    page.wait_for_url("**/")
    # Focus goes to the message that says what happened.
    assert page.evaluate("document.activeElement.id") == "messages"
    assert "2 photos uploaded and queued" in page.locator("#messages").inner_text()
    assert "Uploading 2 photos" in " ".join(text for _, text in announcements(page))
    region = page.locator("#poll-status")
    assert region.get_attribute("role") == "status"  # present before its text changes
    page.evaluate("window.__sameDocument = true")
    page.wait_for_function(
        "document.querySelectorAll('[data-photo-id][data-status=\"done\"]').length === 2", timeout=240_000
    )
    page.wait_for_function("document.getElementById('poll-status').textContent.includes('alt text ready')")
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
    said = [text for where, text in announcements(page) if where == "poll-status"]
    assert said and all("alt text ready" in t or "processing" in t for t in said), said
    assert any(BUS_PHOTO.name in t for t in said) or any(ELEPHANT_PHOTO.name in t for t in said)
    bus_card = page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}')")
    assert bus_card.locator("[data-status-label]").inner_text() == "Done"
    assert "bus" in bus_card.locator("img").get_attribute("alt").lower()
    assert audit(page, "library-done") == []

    bus_card.get_by_role("link", name=BUS_PHOTO.name).click()
    page.wait_for_selector("#overlay-image")
    suggestion = page.locator(".suggestion").inner_text()
    assert "bus" in suggestion.lower()
    # The overlay picture loaded, has its own alt text, and each region is listed in words.
    overlay = page.locator("#overlay-image")
    page.wait_for_function("document.getElementById('overlay-image').complete")
    assert page.evaluate("document.getElementById('overlay-image').naturalWidth") == 640
    # Mask shapes from a mask model (the development YOLO-seg file), boxes from a boxes-only one.
    boxes_only = DEV_WEIGHTS == SSDLITE_WEIGHTS
    how = "outlined with coloured boxes" if boxes_only else "shaded in colour"
    assert re.match(rf"The photo with \d+ numbered regions? {how}: 1 bus", overlay.get_attribute("alt"))
    first_region = page.locator("#region-1")
    share = "its box covers " if boxes_only else ""
    assert re.match(rf"1: bus, [a-z ]+, {share}\d+ % of the photo", first_region.locator(".region-link").inner_text())
    # Focus on a region picks it out on the picture; the words of the text link to it.
    first_region.locator(".region-link").focus()
    assert page.locator("[data-highlight='1']").is_visible()
    page.locator("a.mention").first.focus()
    assert page.locator("[data-highlight='1']").is_visible()
    page.locator("a.mention").first.press("Enter")
    page.wait_for_function("window.location.hash === '#region-1'")
    assert audit(page, "photo-done") == []

    page.get_by_role("button", name="Copy HTML").click()
    page.wait_for_function("document.getElementById('messages').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#snippet").input_value()

    # The edit form with an error: summary focused, linked to the field.
    page.get_by_label("Alt text", exact=True).fill("   ")
    page.get_by_role("button", name="Save my text").click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    assert page.get_by_label("Alt text", exact=True).get_attribute("aria-invalid") == "true"
    assert audit(page, "photo-edit-errors") == []

    # Accepting moves focus to the result, which says what is published now.
    page.get_by_role("button", name="Accept suggestion").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'alt-result'")
    assert "Alt text saved." in page.locator("#messages").inner_text()
    assert suggestion in page.locator("#alt-result").inner_text()
    assert focused(page)["visible"]
    assert audit(page, "photo-accepted") == []

    # Every thumbnail uses the reviewed alt text as its own alt.
    page.get_by_label("Alt text", exact=True).fill("Green city bus at a stop")
    page.get_by_role("button", name="Save my text").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'alt-result'")
    page.goto("/")
    assert page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}') img").get_attribute("alt") == (
        "Green city bus at a stop"
    )
    page.goto("/search/?q=bus")
    assert page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}') img").get_attribute("alt") == (
        "Green city bus at a stop"
    )
    assert audit(page, "search-results") == []
    page.goto("/search/?q=giraffe")
    assert audit(page, "search-none") == []
