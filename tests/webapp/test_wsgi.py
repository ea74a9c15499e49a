"""The WSGI entry point sets the web server's GIL switch interval (why: settings.WEB_GIL_SWITCH_INTERVAL_US)."""

from __future__ import annotations

import importlib
import sys

import pytest


@pytest.mark.parametrize("microseconds", [1000, 2500])
def test_the_web_server_gets_its_switch_interval(settings, microseconds: int) -> None:  # noqa: ANN001
    settings.WEB_GIL_SWITCH_INTERVAL_US = microseconds
    before = sys.getswitchinterval()
    try:
        importlib.reload(importlib.import_module("webapp.wsgi"))
        assert sys.getswitchinterval() == pytest.approx(microseconds / 1_000_000)
    finally:
        sys.setswitchinterval(before)
