"""Every page and state in real Chromium, audited by axe-core (WCAG 2.0/2.1/2.2 A and AA and best
practice; colour contrast again in the dark scheme; reflow and axe at 320 px), with screenshots
at 1280 and 320 px in ``test-artifacts/``. Also where focus lands after each action, the live
regions, the overlay of the photo page, and thumbnails using the reviewed alt text."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BUS_PHOTO, DEV_WEIGHTS, ELEPHANT_PHOTO, SSDLITE_WEIGHTS
from tests.webapp.browser.helpers import announcements, audit, focused, sign_up
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def focus_is_error_summary(page: object) -> bool:
    return page.evaluate("document.activeElement.hasAttribute('data-error-summary')")


def test_logged_out_pages_and_their_errors(page: object, lang: str, t: Callable[..., str]) -> None:
    page.goto("/accounts/login/")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").count() == 1
    assert audit(page, f"login-{lang}") == []

    page.get_by_role("button", name=t("Log in")).click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    assert page.title().startswith(t("Error:") + " ")
    assert audit(page, f"login-errors-{lang}") == []

    page.goto("/account/signup/")
    assert audit(page, f"signup-{lang}") == []
    page.get_by_label(t("Username")).fill("bad name!")
    page.get_by_label(t("Password"), exact=True).fill("short")
    page.get_by_label(t("Password again")).fill("different")
    page.get_by_role("button", name=t("Create account")).click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    # Each error links to its field, and following the link puts focus in the field.
    first = page.locator("[data-error-summary] a").first
    target = first.get_attribute("href")
    first.press("Enter")
    assert page.evaluate("'#' + document.activeElement.id") == target
    assert audit(page, f"signup-errors-{lang}") == []

    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert audit(page, f"404-logged-out-{lang}") == []


def test_empty_library_upload_errors_account_404_and_403(
    page: object, tmp_path: Path, lang: str, t: Callable[..., str]
) -> None:
    sign_up(page, f"pages-user-{lang}")
    assert page.locator("h1").inner_text() == t("Your photos")
    assert t("No photos yet. Choose photos above to get alt text suggestions.") in page.locator("main").inner_text()
    assert audit(page, f"library-empty-{lang}") == []

    # The client-side check: the summary (present, hidden) is filled and takes focus; nothing is sent.
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    page.get_by_label(t("Photos to describe")).set_input_files([notes])
    page.get_by_role("button", name=t("Upload and describe")).click()
    assert focus_is_error_summary(page)
    not_image = t("%(name)s: this is not an image file.") % {"name": "notes.txt"}
    assert not_image in page.locator("[data-error-summary]").inner_text()
    assert audit(page, f"library-client-error-{lang}") == []

    # The server's check: a file that claims to be a JPEG but is not; the page comes back as an
    # error page with the summary focused, the field marked invalid.
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg at all")
    page.get_by_label(t("Photos to describe")).set_input_files([broken])
    page.get_by_role("button", name=t("Upload and describe")).click()
    page.wait_for_url("**/upload/")
    assert focus_is_error_summary(page)
    assert "broken.jpg:" in page.locator("[data-error-summary]").inner_text()
    assert page.get_by_label(t("Photos to describe")).get_attribute("aria-invalid") == "true"
    assert page.title().startswith(t("Error:") + " ")
    assert audit(page, f"upload-errors-{lang}") == []

    page.goto("/upload/")
    assert audit(page, f"upload-{lang}") == []

    page.goto("/account/")
    assert audit(page, f"account-{lang}") == []
    page.get_by_label(t("Token name")).fill("CMS plug-in")
    page.get_by_role("button", name=t("Create a token")).click()
    page.wait_for_selector("#new-token")
    assert audit(page, f"account-token-{lang}") == []

    # 403: a form whose security token no longer matches (what a stale page gets).
    page.evaluate("document.getElementById('token-name').form.csrfmiddlewaretoken.value = 'x'.repeat(64)")
    page.get_by_role("button", name=t("Create a token")).click()
    page.wait_for_selector(f"h1:has-text('{t('Not allowed')}')")
    assert audit(page, f"403-{lang}") == []

    response = page.goto("/photos/999999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == t("Page not found")
    assert audit(page, f"404-{lang}") == []


def test_done_photos_photo_page_edit_errors_accept_and_search(
    page: object, stack: Stack, lang: str, t: Callable[..., str]
) -> None:
    sign_up(page, f"pages-done-{lang}")
    # The worker waits until the library shows both photos queued: a fast worker could otherwise
    # finish them before the page loads, and then no card is pending and nothing is announced.
    stack.stop_process("worker")
    try:
        page.get_by_label(t("Photos to describe")).set_input_files([BUS_PHOTO, ELEPHANT_PHOTO])
        page.get_by_role("button", name=t("Upload and describe")).click()
        page.wait_for_url("**/")
        page.wait_for_function("document.querySelectorAll('[data-photo-id][data-status=\"queued\"]').length === 2")
        # Focus goes to the message that says what happened.
        assert page.evaluate("document.activeElement.id") == "messages"
        queued = t(
            "%(count)d photo uploaded and queued for description.",
            plural="%(count)d photos uploaded and queued for description.",
            n=2,
        )
        assert queued % {"count": 2} in page.locator("#messages").inner_text()
        uploading = t("Uploading %(count)s photo…", plural="Uploading %(count)s photos…", n=2) % {"count": 2}
        assert uploading in " ".join(text for _, text in announcements(page))
        region = page.locator("#poll-status")
        assert region.get_attribute("role") == "status"  # present before its text changes
        page.evaluate("window.__sameDocument = true")
    finally:
        stack.start_worker()
    page.wait_for_function(
        "document.querySelectorAll('[data-photo-id][data-status=\"done\"]').length === 2", timeout=240_000
    )
    ready = t("%(name)s: alt text ready.") % {"name": ""}
    processing = t("%(name)s: processing.") % {"name": ""}
    page.wait_for_function(f"document.getElementById('poll-status').textContent.includes({ready!r})")
    assert page.evaluate("window.__sameDocument") is True  # updated in place, no reload
    said = [text for where, text in announcements(page) if where == "poll-status"]
    assert said and all(ready in text or processing in text for text in said), said
    assert any(BUS_PHOTO.name in t for t in said) or any(ELEPHANT_PHOTO.name in t for t in said)
    bus_card = page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}')")
    assert bus_card.locator("[data-status-label]").inner_text() == t("Done")
    assert "bus" in bus_card.locator("img").get_attribute("alt").lower()
    assert audit(page, f"library-done-{lang}") == []

    bus_card.get_by_role("link", name=BUS_PHOTO.name).click()
    page.wait_for_selector("#overlay-image")
    suggestion = page.locator(".suggestion").inner_text()
    assert "bus" in suggestion.lower()
    # The overlay picture loaded, has its own alt text, and each region is listed in words.
    overlay = page.locator("#overlay-image")
    page.wait_for_function("document.getElementById('overlay-image').complete")
    page.wait_for_load_state("load")  # the page's scripts (the catalogue, then app.js) have run
    assert page.evaluate("document.getElementById('overlay-image').naturalWidth") == 640
    # Mask shapes from a mask model (the development YOLO-seg file), boxes from a boxes-only one.
    boxes_only = DEV_WEIGHTS == SSDLITE_WEIGHTS
    # The overlay speaks the account's alt text language, which follows the interface at sign-up.
    if lang == "de":
        how = "mit (?:einem farbigen Rahmen|farbigen Rahmen) umrandet" if boxes_only else "farbig hinterlegt"
        alt = rf"Das Foto mit \d+ nummerierten Bereich(?:en)?, {how}: 1 Bus"
        share = "der Rahmen umfasst " if boxes_only else ""
        region = rf"1: Bus, [\w ]+, {share}\d+\s?% des Fotos"
    else:
        how = "outlined with (?:a coloured box|coloured boxes)" if boxes_only else "shaded in colour"
        alt = rf"The photo with \d+ numbered regions? {how}: 1 bus"
        share = "its box covers " if boxes_only else ""
        region = rf"1: bus, [a-z ]+, {share}\d+% of the photo"
    assert re.match(alt, overlay.get_attribute("alt")), overlay.get_attribute("alt")
    first_region = page.locator("#region-1")
    assert re.match(region, first_region.locator(".region-link").inner_text())
    # Focus on a region picks it out on the picture; the words of the text link to it.
    first_region.locator(".region-link").focus()
    assert page.locator("[data-highlight='1']").is_visible()
    page.locator("a.mention").first.focus()
    assert page.locator("[data-highlight='1']").is_visible()
    page.locator("a.mention").first.press("Enter")
    page.wait_for_function("window.location.hash === '#region-1'")
    assert audit(page, f"photo-done-{lang}") == []

    page.get_by_role("button", name=t("Copy HTML")).click()
    copied = t("Copied to the clipboard.")
    page.wait_for_function(f"document.getElementById('messages').textContent.includes({copied!r})")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#snippet").input_value()

    # The edit form with an error: summary focused, linked to the field.
    page.get_by_label(t("Alt text"), exact=True).fill("   ")
    page.get_by_role("button", name=t("Save my text")).click()
    page.wait_for_selector("[data-error-summary]")
    assert focus_is_error_summary(page)
    assert page.get_by_label(t("Alt text"), exact=True).get_attribute("aria-invalid") == "true"
    assert audit(page, f"photo-edit-errors-{lang}") == []

    # Accepting moves focus to the result, which says what is published now.
    page.get_by_role("button", name=t("Accept suggestion")).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'alt-result'")
    assert t("Alt text saved.") in page.locator("#messages").inner_text()
    assert suggestion in page.locator("#alt-result").inner_text()
    assert focused(page)["visible"]
    assert audit(page, f"photo-accepted-{lang}") == []

    # Every thumbnail uses the reviewed alt text as its own alt.
    page.get_by_label(t("Alt text"), exact=True).fill("Green city bus at a stop")
    page.get_by_role("button", name=t("Save my text")).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'alt-result'")
    page.goto("/")
    assert page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}') img").get_attribute("alt") == (
        "Green city bus at a stop"
    )
    page.goto("/search/?q=bus")
    assert page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}') img").get_attribute("alt") == (
        "Green city bus at a stop"
    )
    assert audit(page, f"search-results-{lang}") == []
    page.goto("/search/?q=giraffe")
    assert audit(page, f"search-none-{lang}") == []
