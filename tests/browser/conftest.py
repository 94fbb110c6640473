"""Browser tests: Debian's headless Chromium driven by Playwright, against the real stack.

Never `playwright install`: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

# tests/ on the path: `support` is the shared stack package (see tests/e2e/conftest.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.fixtures import fresh_people, healthy_stack, stack  # noqa: E402, F401 - shared session fixtures
from support.stack import Stack  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: apt-get install chromium"
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, healthy_stack: Stack) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(
        base_url=healthy_stack.url("gateway"),
        viewport={"width": 1280, "height": 800},
        locale="fr-FR",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
