"""The search page in real Chromium against the real stack: photos imported with ``import_coco``,
searched with the keyboard only; the count is announced in the status region; axe finds nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import PHOTOS
from tests.webapp.browser.helpers import axe_violations, shot, sign_up
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_search_with_and_without_results(page: object, stack: Stack, lang: str, t: Callable[..., str]) -> None:
    username = f"chromium-search-{lang}"
    sign_up(page, username)
    done = stack.manage("import_coco", str(PHOTOS / "instances.json"), str(PHOTOS), "--user", username)
    assert "10 photo(s) imported" in done.stdout, done.stderr

    page.goto("/search?q=")
    region = page.locator("#search-status")
    assert region.get_attribute("role") == "status"  # in the page before it changes
    assert region.inner_text() == ""
    assert axe_violations(page) == []
    page.evaluate("window.__sameDocument = true")

    # Keyboard only: focus the labelled box, type, press Enter.
    box = page.get_by_label(t("Search your photos"))
    box.focus()
    page.keyboard.type("two people")
    page.keyboard.press("Enter")
    found = t("%(counter)s photo found", plural="%(counter)s photos found", n=2) % {"counter": 2}
    page.wait_for_function(f"document.getElementById('search-status').textContent.includes('{found}')")
    assert page.evaluate("window.__sameDocument") is True  # announced in place, no reload
    cards = page.locator("[data-search-results] li")
    assert cards.count() == 2
    for i in range(2):
        alt = cards.nth(i).locator("img").get_attribute("alt")
        # In the account's alt text language: the one the person signed up in (issue 18).
        assert alt and {"en": "two people", "de": "zwei personen"}[lang] in alt.lower()
    shot(page, "search-two-people")
    assert axe_violations(page) == []

    box.fill("giraffe")
    box.press("Enter")
    page.wait_for_function(f"document.getElementById('search-status').textContent.includes({t('No photos found')!r})")
    assert page.locator("[data-search-results]").count() == 0
    assert t("No photo matches. Try fewer words, “or” instead of “and”, or a broader word such as “animal”.") in (
        page.locator("#search-results").inner_text()
    )
    assert axe_violations(page) == []

    # Size and place are of the same elephant: two large ones (left, right), a smaller one in the centre.
    box.fill("large elephant on the left")
    box.press("Enter")
    found = t("%(counter)s photo found", plural="%(counter)s photos found", n=1) % {"counter": 1}
    page.wait_for_function(f"document.getElementById('search-status').textContent.includes('{found}')")
    # What search understood, in the page's language whatever the query's (issue 18).
    said = {"en": "large elephant on the left", "de": "großer Elefant links"}[lang]
    assert said in page.locator("#search-explanation").inner_text()
    box.fill("large elephant in the centre")
    box.press("Enter")
    page.wait_for_function(f"document.getElementById('search-status').textContent.includes({t('No photos found')!r})")

    # Without JavaScript's help the same URL renders the same answer; bad words are explained.
    page.goto("/search/?q=at+least+dogs")
    why = {"en": "needs a number", "de": "braucht eine Zahl"}[lang]
    assert why in page.locator("[data-error-summary]").inner_text()
    assert axe_violations(page) == []
    shot(page, "search-error")
