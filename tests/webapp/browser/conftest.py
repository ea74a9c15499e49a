"""Browser fixtures (`browser`, `open_page`, `page`) live in tests/webapp/conftest.py; here every
browser test runs once per interface language in ``BROWSER_LANGUAGES`` (issue 18: the axe audits
and keyboard flows also in German): ``open_page``/``page`` come with that language chosen (the
switcher's cookie), and ``t`` gives a text as the interface shows it in that language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from tests.webapp.browser.helpers import BROWSER_LANGUAGES, ui


@pytest.fixture(params=BROWSER_LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def t(lang: str) -> Callable[..., str]:
    """``t("Log in")`` (``context=``, ``n=`` with ``plural=`` as ngettext): the interface's text in ``lang``."""
    return lambda text, **kw: ui(lang, text, **kw)


@pytest.fixture
def open_page(open_page: Callable[[str], object], lang: str) -> Callable[[str], object]:
    def make(base_url: str) -> object:
        page = open_page(base_url)
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": base_url}])
        return page

    return make


@pytest.fixture
def page(open_page: Callable[[str], object], stack: object) -> object:
    return open_page(stack.url)
