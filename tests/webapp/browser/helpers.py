"""Helpers shared by the browser tests: axe-core audits (every WCAG 2.0/2.1/2.2 A and AA rule plus
best practice, in light and dark, at 1280 and 320 CSS px), screenshots, and keyboard-only driving
with a check that focus is visible at every step."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

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
# The interface languages every browser test runs in: English and German (the longest of the four,
# it finds layouts that do not reflow); French and Spanish share every template and catalogue check.
BROWSER_LANGUAGES = ["en", "de"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDE = {"width": 1280, "height": 900}
# 400 % zoom of a 1280 px wide window lays out in 320 CSS px (WCAG 1.4.10 reflow).
NARROW = {"width": 320, "height": 800}


def axe_violations(page: object, *, rules: list[str] | None = None) -> list[str]:
    """axe-core's violations on the page as it is now: every rule tagged WCAG 2.0/2.1/2.2 A or AA,
    or best practice (``rules`` to run only some rules). Each as ``"rule-id: [targets]"``."""
    from axe_playwright_python.sync_playwright import Axe

    run_only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    result = Axe().run(page, options={"runOnly": run_only, "resultTypes": ["violations"]})
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]} {v['nodes'][0].get('failureSummary', '')[:300]}"
        for v in result.response["violations"]
    ]


def shot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: object) -> int:
    """How many CSS px the page scrolls sideways (0 when it reflows)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def audit(page: object, name: str) -> list[str]:
    """Everything the issue asks of one page in one state, as a list of problems (empty = pass):
    axe (all rules) in the light scheme at 1280 px, axe colour contrast in the dark scheme, and
    at 320 px (400 % zoom) no sideways scrolling plus axe again; screenshots at 1280 and 320 px
    (light) and 1280 px dark go to ``test-artifacts/<name>-*.png``."""
    problems: list[str] = []
    original = page.viewport_size or WIDE
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    try:
        page.set_viewport_size(WIDE)
        page.emulate_media(color_scheme="light")
        problems += [f"light 1280: {v}" for v in axe_violations(page)]
        shot(page, f"{name}-1280")
        page.emulate_media(color_scheme="dark")
        problems += [f"dark 1280: {v}" for v in axe_violations(page, rules=["color-contrast", "link-in-text-block"])]
        shot(page, f"{name}-1280-dark")
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(NARROW)
        overflow = horizontal_overflow(page)
        if overflow > 0:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
                   window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)"""
            )
            problems.append(f"320 px: scrolls sideways by {overflow} px ({wide})")
        problems += [f"light 320: {v}" for v in axe_violations(page)]
        page.emulate_media(color_scheme="dark")
        problems += [f"dark 320: {v}" for v in axe_violations(page, rules=["color-contrast"])]
        page.emulate_media(color_scheme="light")
        shot(page, f"{name}-320")
    finally:
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(original)
    # The audit must not have moved focus (the tests check where actions leave it).
    assert page.evaluate("document.activeElement && document.activeElement.id") == focused
    return problems


def ui(lang: str, text: str, *, context: str | None = None, n: int | None = None, plural: str = "") -> str:
    """``text`` as the interface shows it in ``lang`` (the app's own catalogues through Django's
    gettext: the pages' ``django`` domain, else the scripts' ``djangojs``; ``n`` and ``plural`` as
    ngettext). Placeholders are left for the caller to fill."""
    from django.utils import translation
    from django.utils.translation.trans_real import DjangoTranslation

    with translation.override(lang):
        if n is not None:
            if context:
                said = translation.npgettext(context, text, plural, n)
            else:
                said = translation.ngettext(text, plural, n)
        else:
            said = translation.pgettext(context, text) if context else translation.gettext(text)
    if said in (text, plural) and lang != "en" and not context:
        scripts = DjangoTranslation(lang, domain="djangojs")
        said = scripts.ngettext(text, plural, n) if n is not None else scripts.gettext(text)
    return said


def link_text(sentence: str) -> str:
    """The words of the one link in a translated sentence (``... <a href="...">words</a> ...``)."""
    return re.search(r"<a [^>]*>([^<]+)</a>", sentence).group(1)


def page_lang(page: object) -> str:
    return page.evaluate("document.documentElement.lang")


def sign_up(page: object, username: str) -> None:
    """Sign up through the form, in whatever language the page is in."""
    page.goto("/account/signup/")
    lang = page_lang(page)
    page.get_by_label(ui(lang, "Username")).fill(username)
    page.get_by_label(ui(lang, "Password"), exact=True).fill("an unusual long passphrase")
    page.get_by_label(ui(lang, "Password again")).fill("an unusual long passphrase")
    page.get_by_role("button", name=ui(lang, "Create account")).click()
    page.wait_for_url("**/")


# -- keyboard ------------------------------------------------------------------------------------

FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const r = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return {
    tag: el.tagName.toLowerCase(), id: el.id || '', type: el.type || '',
    text: (el.getAttribute('aria-label') || el.innerText || el.value || label || '').trim().slice(0, 80),
    label: label.trim(), href: el.getAttribute('href') || '',
    visible: outline || shadow, outline: style.outline, shadow: style.boxShadow,
    inViewport: r.bottom > 0 && r.top < window.innerHeight && r.width > 0 && r.height > 0,
  };
}"""


def focused(page: object) -> dict | None:
    """What has focus, and whether its focus indicator shows (outline or box shadow)."""
    return page.evaluate(FOCUSED_JS)


def assert_focus_visible(page: object) -> dict:
    info = focused(page)
    assert info is not None, "focus is on the page body, not on a control"
    assert info["visible"], f"focus indicator not visible on {info}"
    assert info["inViewport"], f"focused element is off screen: {info}"
    return info


FOCUSABLE = "a[href], button, input, textarea, select, [tabindex]"


def tab_to(page: object, matches: object, *, limit: int = 40, backwards: bool = False) -> list[dict]:
    """Press Tab (Shift+Tab when ``backwards``) until ``matches(info)``; every stop must show its
    focus, and forward stops must follow the document order. Returns the stops on the way."""
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = assert_focus_visible(page)
        info["_index"] = page.evaluate(f"[...document.querySelectorAll({FOCUSABLE!r})].indexOf(document.activeElement)")
        if not backwards and stops:
            # Document order: each stop follows the previous one (no positive tabindex jumps).
            assert info["_index"] > stops[-1]["_index"], f"focus jumped backwards to {info} after {stops[-1]}"
        stops.append(info)
        if matches(info):
            return stops
    raise AssertionError(f"not reached in {limit} presses; stops: {[s['text'] or s['id'] for s in stops]}")


# Records every change of a live region's text (role status/alert or aria-live) into
# sessionStorage, so a test can read what would have been announced, across page loads.
LIVE_RECORDER = """
(() => {
  const key = '__announcements';
  const log = (el) => {
    const text = el.textContent.replace(/\\s+/g, ' ').trim();
    if (!text) { return; }
    const list = JSON.parse(sessionStorage.getItem(key) || '[]');
    const id = el.id || el.getAttribute('role') || el.tagName;
    const last = list[list.length - 1];
    if (!last || last[0] !== id || last[1] !== text) {
      list.push([id, text, Date.now()]);
      sessionStorage.setItem(key, JSON.stringify(list));
    }
  };
  const watch = () => {
    document.querySelectorAll('[role=status], [role=alert], [aria-live]:not([aria-live=off])').forEach((el) => {
      if (el.__watched) { return; }
      el.__watched = true;
      new MutationObserver(() => log(el)).observe(el, { childList: true, subtree: true, characterData: true });
    });
  };
  document.addEventListener('DOMContentLoaded', watch);
})();
"""


def announcements(page: object) -> list[tuple[str, str]]:
    """Every (region id, text) a live region changed to since the recorder was installed."""
    return [(x[0], x[1]) for x in timed_announcements(page)]


def timed_announcements(page: object) -> list[tuple[str, str, float]]:
    """As ``announcements``, with the time of each change in seconds."""
    raw = page.evaluate("JSON.parse(sessionStorage.getItem('__announcements') || '[]')")
    return [(x[0], x[1], x[2] / 1000) for x in raw]
