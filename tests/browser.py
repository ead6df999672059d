"""Browser-test fixtures: Playwright driving Debian's chromium against pytest-django's live server.

Use them from a test module with ``from tests.browser import *  # noqa: F403`` or by
listing the fixtures' names; mark the module ``pytestmark = pytest.mark.browser``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
# The password the browser tests give the users they log in as (make_user(..., password=PASSWORD)).
PASSWORD = "Zhejiang-Workers-2021"
PHONE = {"width": 390, "height": 844}


# Module scope, not session: each test module star-imports this fixture, which makes one
# fixture per module, and Playwright's sync API refuses a second instance while one is alive.
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Start Debian's chromium once per test module (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # test code around it are still synchronous and safe.
    # Restored afterwards: later tests (e.g. `check --deploy` in a subprocess) must not see it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server) -> Iterator[object]:
    """Return a fresh browser tab (desktop size) whose console errors fail the test."""
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    tab.base_url = live_server.url
    yield tab
    context.close()


SEEDS = ROOT / "seeds"


@pytest.fixture
def seeded(transactional_db):
    """Import the seed pages (both front pages) into the live server's database."""
    from importers.load import import_paths

    report = import_paths([SEEDS])
    assert report.ok
    return report


def screenshot_folder() -> Path:
    """Return where screenshots go: $NEWSROOM_SCREENSHOTS, else var/screenshots (git-ignored).

    A test run must leave the checkout as it found it, so only `make screenshots` (which sets
    NEWSROOM_SCREENSHOTS=docs/screenshots) replaces the README's pictures.
    """
    folder = os.environ.get("NEWSROOM_SCREENSHOTS", "").strip()
    return ROOT / folder if folder else ROOT / "var" / "screenshots"


def screenshot(tab, name: str, *, viewport: dict | None = None) -> Path:
    """Save a full-page screenshot in screenshot_folder() and return its path."""
    folder = screenshot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    if viewport:
        tab.set_viewport_size(viewport)
    path = folder / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def log_in(tab, username: str, next_path: str, password: str = PASSWORD) -> None:
    """Log in to the desk through its login form, as a person would, and wait for ``next_path``."""
    tab.goto(f"{tab.base_url}/admin/login/?next={next_path}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("input[type=submit]")
    tab.wait_for_url(lambda url: next_path in url)
