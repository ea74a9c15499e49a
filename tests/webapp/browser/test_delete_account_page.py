"""The "Delete my account" page (issue 17 item 8) in real Chromium: axe-clean in its three states
(the warning, a wrong password, the account gone), the error summary takes focus, the form works
from the keyboard, and the person ends logged out with a message saying what was deleted."""

from __future__ import annotations

import pytest

from tests.webapp.browser.helpers import audit, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "an unusual long passphrase"  # helpers.sign_up's


def test_delete_account_page(page: object) -> None:
    sign_up(page, "leaving-user")
    page.goto("/account/")
    page.get_by_role("link", name="delete my account").click()
    page.wait_for_url("**/account/delete/")
    assert page.locator("h1").inner_text() == "Delete your account"
    assert "This cannot be undone" in page.locator("main").inner_text()
    assert audit(page, "delete-account") == []

    field = page.get_by_label("Your password, to confirm")
    field.fill("not my password")
    page.get_by_role("button", name="Delete my account and all my photos").click()
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("Error: ")
    assert field.get_attribute("aria-invalid") == "true"
    assert audit(page, "delete-account-error") == []

    field.fill(PASSWORD)
    field.press("Enter")  # the keyboard submits it
    page.wait_for_url("**/accounts/login/")
    assert "“leaving-user” and its 0 photos were deleted" in page.locator("main").inner_text()
    assert audit(page, "account-deleted") == []
    page.goto("/account/")
    assert "/accounts/login/" in page.url  # logged out
