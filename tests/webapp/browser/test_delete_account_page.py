"""The "Delete my account" page (issue 17 item 8) in real Chromium: axe-clean in its three states
(the warning, a wrong password, the account gone), the error summary takes focus, the form works
from the keyboard, and the person ends logged out with a message saying what was deleted."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.webapp.browser.helpers import audit, link_text, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "an unusual long passphrase"  # helpers.sign_up's


def test_delete_account_page(page: object, lang: str, t: Callable[..., str]) -> None:
    username = f"leaving-user-{lang}"
    sign_up(page, username)
    page.goto("/account/")
    delete_link = link_text(
        t(
            "Your account, all your photos and their files are deleted for good: "
            '<a href="%(delete_url)s">delete my account</a>.'
        )
    )
    page.get_by_role("link", name=delete_link).click()
    page.wait_for_url("**/account/delete/")
    assert page.locator("h1").inner_text() == t("Delete your account")
    assert t("This cannot be undone") in page.locator("main").inner_text()
    assert audit(page, "delete-account") == []

    field = page.get_by_label(t("Your password, to confirm"))
    field.fill("not my password")
    page.get_by_role("button", name=t("Delete my account and all my photos")).click()
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith(t("Error:") + " ")
    assert field.get_attribute("aria-invalid") == "true"
    assert audit(page, "delete-account-error") == []

    field.fill(PASSWORD)
    field.press("Enter")  # the keyboard submits it
    page.wait_for_url("**/accounts/login/")
    deleted = t(
        "The account “%(name)s” and its %(count)d photo were deleted.",
        plural="The account “%(name)s” and its %(count)d photos were deleted.",
        n=0,
    )
    assert deleted % {"name": username, "count": 0} in page.locator("main").inner_text()
    assert audit(page, "account-deleted") == []
    page.goto("/account/")
    assert "/accounts/login/" in page.url  # logged out
