"""Keyboard only, in real Chromium, against a stack of our own whose worker we hold back: log in,
upload two real photos through the file chooser, hear the status region announce them, open a
photo, edit its alt text (through an error first), search for an object and reach the photo.
Only Tab, Shift+Tab, Enter, Space and typing; at every stop the focus must be visible and move in
document order. The queued and processing states are audited while the worker is held back."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import BUS_PHOTO, ELEPHANT_PHOTO, SSDLITE_WEIGHTS
from tests.webapp.browser.helpers import (
    ARTIFACTS,
    announcements,
    assert_focus_visible,
    audit,
    focused,
    tab_to,
    timed_announcements,
)
from tests.webapp.stack import Browser, start_stack
from webapp.devstack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "an unusual long passphrase"


@pytest.fixture(scope="module")
def held_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of our own, its worker stopped: uploads stay queued until a test starts it."""
    stack = start_stack(tmp_path_factory.mktemp("held-stack"), SEGMENTER="auto", SEGMENTER_WEIGHTS=str(SSDLITE_WEIGHTS))
    stack.stop_process("worker")
    yield stack
    stack.stop()


def set_status(stack: Stack, username: str, name: str, status: str) -> None:
    """What the worker does first when it takes a photo (status 'processing'), done by hand so
    the page can be audited in that state while the worker is held back."""
    code = (
        "from webapp.photos.models import Photo; "
        f"Photo.objects.filter(owner__username={username!r}, original_name={name!r}).update(status={status!r})"
    )
    stack.manage("shell", "-c", code)


def follow(page: object, key: str) -> None:
    """Press a key that submits a form or follows a link, and wait for the new page to load (as a
    person waits before going on: a file chooser, for one, does not open on a half-loaded page)."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("load")


def is_(id_: str) -> Callable[[dict], bool]:
    return lambda info: info["id"] == id_


def test_queued_and_processing_states(
    open_page: Callable[[str], object], held_stack: Stack, lang: str, t: Callable[..., str]
) -> None:
    username = f"states-user-{lang}"
    held_stack.stop_process("worker")  # held back (the journey in another language may have started it)
    client = Browser(held_stack.url)
    client.sign_up(username)
    with BUS_PHOTO.open("rb") as bus, ELEPHANT_PHOTO.open("rb") as elephants:
        files = [
            ("images", (BUS_PHOTO.name, bus, "image/jpeg")),
            ("images", (ELEPHANT_PHOTO.name, elephants, "image/jpeg")),
        ]
        assert client.post_form("/upload/", {}, files=files).status_code == 302
    page = open_page(held_stack.url)
    page.goto("/accounts/login/")
    page.get_by_label(t("Username")).fill(username)
    page.get_by_label(t("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    page.wait_for_url("**/")
    assert page.locator("[data-status-label]").all_inner_texts() == [t("Queued"), t("Queued")]
    still = t(
        "%(counter)s photo still being described. This list updates by itself; without JavaScript, "
        '<a href="%(library_url)s">refresh the page</a>.',
        plural="%(counter)s photos still being described. This list updates by itself; without JavaScript, "
        '<a href="%(library_url)s">refresh the page</a>.',
        n=2,
    )
    assert still.split(".")[0] % {"counter": 2} in page.locator("#refresh-hint").inner_text()
    assert audit(page, f"library-queued-{lang}") == []
    page.get_by_role("link", name=BUS_PHOTO.name).click()
    assert page.locator("#photo-status").inner_text() == t("Queued")
    assert audit(page, f"photo-queued-{lang}") == []

    set_status(held_stack, username, BUS_PHOTO.name, "processing")
    page.reload()
    assert page.locator("#photo-status").inner_text() == t("Processing")
    assert page.locator("#poll-status").get_attribute("role") == "status"
    assert audit(page, f"photo-processing-{lang}") == []
    page.goto("/")
    assert sorted(page.locator("[data-status-label]").all_inner_texts()) == sorted([t("Processing"), t("Queued")])
    assert audit(page, f"library-processing-{lang}") == []


def test_keyboard_only_journey(
    open_page: Callable[[str], object], held_stack: Stack, lang: str, t: Callable[..., str]
) -> None:
    username = f"keyboard-user-{lang}"
    held_stack.stop_process("worker")  # held back again: the run in another language started it
    Browser(held_stack.url).sign_up(username)
    page = open_page(held_stack.url)
    keys = page.keyboard
    said: dict[str, str] = {}  # step → what the status regions hold then

    # 1. Log in. The first Tab reaches the skip link, then the header, then the form.
    page.goto("/accounts/login/")
    stops = tab_to(page, is_("id_username"))
    assert stops[0]["text"] == t("Skip to main content")
    keys.type(username)
    assert tab_to(page, is_("id_password"), limit=1)
    keys.type(PASSWORD)
    follow(page, "Enter")
    assert page.locator("h1").inner_text() == t("Your photos")

    # 2. Upload two real photos through the file chooser, opened with the keyboard.
    tab_to(page, is_("id_images"))
    chooser = None
    for _ in range(3):
        # On a loaded machine (CI shares 2 cores with the worker, gunicorn and Chromium) the
        # chooser event once took over 30 s to come; a person would press Space again, so may we,
        # as long as the keyboard focus is still on the file input.
        assert focused(page)["id"] == "id_images"
        try:
            with page.expect_file_chooser(timeout=20_000) as opened:
                keys.press("Space")
        except PlaywrightTimeoutError:
            continue
        chooser = opened.value
        break
    assert chooser is not None, "Space on the focused file input never opened the file chooser"
    chooser.set_files([BUS_PHOTO, ELEPHANT_PHOTO])
    assert assert_focus_visible(page)["id"] == "id_images"
    assert tab_to(page, lambda i: i["text"] == t("Upload and describe"), limit=1)
    follow(page, "Enter")
    said["while uploading"] = dict(announcements(page)).get("upload-status", "")
    assert said["while uploading"] == t("Uploading %(count)s photo…", plural="Uploading %(count)s photos…", n=2) % {
        "count": 2
    }

    # 3. Back in the library, focus is on the message saying what happened; both are queued.
    info = assert_focus_visible(page)
    assert info["id"] == "messages"
    said["after upload"] = page.locator("#messages").inner_text()
    queued = t(
        "%(count)d photo uploaded and queued for description.",
        plural="%(count)d photos uploaded and queued for description.",
        n=2,
    )
    assert said["after upload"] == queued % {"count": 2}
    assert page.locator("#poll-status").inner_text() == ""  # the region exists, silent until news
    assert page.locator("[data-status-label]").all_inner_texts() == [t("Queued"), t("Queued")]

    # 4. The worker starts; the status region announces each photo, throttled, without a reload.
    page.evaluate("window.__sameDocument = true")
    held_stack.start_worker()
    page.wait_for_function(
        "document.querySelectorAll('[data-photo-id][data-status=\"done\"]').length === 2", timeout=240_000
    )
    ready = t("%(name)s: alt text ready.") % {"name": ""}
    page.wait_for_function(f"document.getElementById('poll-status').textContent.includes({ready!r})", timeout=30_000)
    page.wait_for_function(
        "() => !document.getElementById('refresh-hint') || "
        f"document.getElementById('refresh-hint').textContent.includes({t('All photos are described.')!r})"
    )
    page.wait_for_timeout(4500)  # let a throttled last announcement through
    assert page.evaluate("window.__sameDocument") is True
    polls = [(text, at) for where, text, at in timed_announcements(page) if where == "poll-status"]
    said["while describing"] = " | ".join(text for text, _ in polls)
    ready = " ".join(text for text, _ in polls)
    for name in (BUS_PHOTO.name, ELEPHANT_PHOTO.name):
        assert t("%(name)s: alt text ready.") % {"name": name} in ready
    gaps = [later - earlier for (_, earlier), (_, later) in zip(polls, polls[1:], strict=False)]
    assert all(gap >= 3.5 for gap in gaps), f"announcements not throttled: {polls}"
    assert focused(page)["id"] == "messages"  # the updates did not steal focus

    # 5. Open the bus photo: Tab from the message to its link.
    tab_to(page, lambda i: i["text"] == BUS_PHOTO.name)
    follow(page, "Enter")
    bus_url = page.url
    assert page.locator("h1").inner_text() == BUS_PHOTO.name
    # The skip link moves focus to the main content, visibly.
    stops = tab_to(page, lambda i: i["text"] == t("Skip to main content"), limit=1)
    keys.press("Enter")
    assert assert_focus_visible(page)["id"] == "main"

    # 6. Edit: an empty text first (error summary takes focus and links to the field), then words.
    stops = tab_to(page, is_("id_alt_text"))
    # On the way: the phrases of the text that name regions are links.
    region_1 = t("region %(numbers)s", plural="regions %(numbers)s", n=1) % {"numbers": 1}
    assert any(s["text"].endswith(f"({region_1})") for s in stops), [s["text"] for s in stops]
    keys.press("Control+A")
    keys.press("Delete")
    assert tab_to(page, lambda i: i["text"] == t("Save my text"), limit=1)
    follow(page, "Enter")
    info = assert_focus_visible(page)
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    said["after empty save"] = page.locator("[data-error-summary]").inner_text()
    assert t("Enter the alt text, or mark the photo as decorative.") in said["after empty save"]
    tab_to(page, lambda i: i["href"] == "#id_alt_text", limit=1)
    keys.press("Enter")
    assert assert_focus_visible(page)["id"] == "id_alt_text"
    keys.type("Green city bus at a stop")
    assert tab_to(page, lambda i: i["text"] == t("Save my text"), limit=1)
    follow(page, "Enter")
    info = assert_focus_visible(page)
    assert info["id"] == "alt-result"  # focus on the result
    said["after save"] = page.locator("#messages").inner_text()
    assert said["after save"] == t("Alt text saved.")
    assert f"{t('Written by a person')}: Green city bus at a stop" in page.locator("#alt-result").inner_text()

    # 7. Search for an object from the header's search form (back up with Shift+Tab), reach the photo.
    tab_to(page, is_("header-search-q"), backwards=True)
    keys.type("bus")
    follow(page, "Enter")
    assert page.url.endswith("/search/?q=bus")
    said["search"] = page.locator("#search-status").inner_text()
    found = t("%(counter)s photo found", plural="%(counter)s photos found", n=1) % {"counter": 1}
    assert said["search"].startswith(found), said["search"]
    path = bus_url.split(held_stack.url, 1)[1]
    tab_to(page, lambda i: i["href"] == path, limit=30)
    follow(page, "Enter")
    assert page.url == bus_url
    assert page.locator("h1").inner_text() == BUS_PHOTO.name
    # The thumbnail in the library now uses the words written above as its alt.
    page.goto("/")
    assert page.locator(f"[data-photo-id]:has-text('{BUS_PHOTO.name}') img").get_attribute("alt") == (
        "Green city bus at a stop"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"keyboard-journey-said-{lang}.txt").write_text(
        "\n".join(f"{step}: {text}" for step, text in said.items()) + "\n"
    )
