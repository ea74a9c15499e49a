"""Helpers shared by the browser tests."""

from __future__ import annotations

import os
import shutil

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# The machine has no internet: keep Chromium from trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def axe_violations(page: object) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result.response["violations"]]


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_up(page: object, username: str) -> None:
    page.goto("/account/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("an unusual long passphrase")
    page.get_by_label("Password again").fill("an unusual long passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")
