"""The search page in real Chromium against the real stack: photos imported with ``import_coco``,
searched with the keyboard only; the count is announced in the status region; axe finds nothing."""

from __future__ import annotations

import pytest

from tests.conftest import PHOTOS
from tests.webapp.browser.helpers import axe_violations, shot, sign_up
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_search_with_and_without_results(page: object, stack: Stack) -> None:
    sign_up(page, "chromium-search")
    done = stack.manage("import_coco", str(PHOTOS / "instances.json"), str(PHOTOS), "--user", "chromium-search")
    assert "10 photo(s) imported" in done.stdout, done.stderr

    page.goto("/search?q=")
    region = page.locator("#search-status")
    assert region.get_attribute("role") == "status"  # in the page before it changes
    assert region.inner_text() == ""
    assert axe_violations(page) == []
    page.evaluate("window.__sameDocument = true")

    # Keyboard only: focus the labelled box, type, press Enter.
    page.get_by_label("Search your photos").focus()
    page.keyboard.type("two people")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('2 photos found')")
    assert page.evaluate("window.__sameDocument") is True  # announced in place, no reload
    cards = page.locator("[data-search-results] li")
    assert cards.count() == 2
    for i in range(2):
        alt = cards.nth(i).locator("img").get_attribute("alt")
        assert alt and "two people" in alt.lower()
    shot(page, "search-two-people")
    assert axe_violations(page) == []

    page.get_by_label("Search your photos").fill("giraffe")
    page.get_by_label("Search your photos").press("Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('No photos found')")
    assert page.locator("[data-search-results]").count() == 0
    assert "No photo matches" in page.locator("#search-results").inner_text()
    assert axe_violations(page) == []

    # Size and place are of the same elephant: two large ones (left, right), a smaller one in the centre.
    page.get_by_label("Search your photos").fill("large elephant on the left")
    page.get_by_label("Search your photos").press("Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('1 photo found')")
    assert "large elephant on the left" in page.locator("#search-explanation").inner_text()
    page.get_by_label("Search your photos").fill("large elephant in the centre")
    page.get_by_label("Search your photos").press("Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('No photos found')")

    # Without JavaScript's help the same URL renders the same answer; bad words are explained.
    page.goto("/search/?q=at+least+dogs")
    assert "needs a number" in page.locator("[data-error-summary]").inner_text()
    assert axe_violations(page) == []
    shot(page, "search-error")
