"""Browser fixtures: Debian's Chromium driven by Playwright against the real stack."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.webapp.browser.helpers import CHROMIUM, CHROMIUM_ARGS, LIVE_RECORDER, WIDE
from webapp.devstack import Stack


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does it)")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser: object) -> Iterator[Callable[[str], object]]:
    """``open_page(base_url)``: a fresh browser context (own cookies) at 1280 × 900 with the
    clipboard allowed and the live-region recorder installed; closed after the test."""
    contexts: list[object] = []

    def make(base_url: str) -> object:
        context = browser.new_context(base_url=base_url, viewport=WIDE)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        context.add_init_script(LIVE_RECORDER)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: Callable[[str], object], stack: Stack) -> object:
    return open_page(stack.url)
