"""The WSGI entry point sets the web server's GIL switch interval (why: settings.WEB_GIL_SWITCH_INTERVAL_US),
builds what the first requests would build, and freezes the loaded app out of the garbage collector."""

from __future__ import annotations

import gc
import importlib
import json
import subprocess
import sys
from pathlib import Path

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
        gc.unfreeze()  # the reload froze this test process's objects too


def test_the_web_process_starts_warm_with_its_loaded_objects_frozen() -> None:
    code = (
        "import gc, json, time; import webapp.wsgi; "
        "from webapp.search.vocabulary import search_words; "
        "t = time.perf_counter(); gc.collect(); ms = (time.perf_counter() - t) * 1000; "
        "print(json.dumps({'frozen': gc.get_freeze_count(), 'tables': search_words.cache_info().currsize, 'ms': ms}))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"DJANGO_SETTINGS_MODULE": "webapp.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    state = json.loads(out.stdout.strip().splitlines()[-1])
    assert state["tables"] == 4  # en, de, fr, es built before the first search
    # The app's objects (>100,000) are out of the collector's sight: a full collection is cheap.
    assert state["frozen"] > 100_000 and state["ms"] < 20, state
