"""The gateway's Content-Security-Policy (no inline code or style) in a real Chromium: the pages
and the widget work under it and the browser reports no violation."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from widget_helpers import open_front_page, send, visible_choices

# Listens before any page script runs (an init script is not subject to the page's policy).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _violations(page: Page) -> list[str]:
    return page.evaluate("() => window.__cspViolations")


def test_front_page_and_conversation_run_under_the_policy(page: Page) -> None:
    page.add_init_script(WATCH_VIOLATIONS)
    console = []
    page.on("console", lambda m: console.append(m.text))
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "frame-ancestors" in policy
    open_front_page(page)
    send(page, "bonjour")
    assert visible_choices(page)
    # The secret hint's lines are built at start: shown one per line by the stylesheet.
    hint_line = page.locator("#mesw-hint .mesw-hint-line").first
    assert hint_line.evaluate("e => getComputedStyle(e).display") == "block"
    assert _violations(page) == []
    assert not [text for text in console if "Content Security Policy" in text]


def test_floating_widget_runs_under_the_policy(page: Page) -> None:
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto("/embed")
    page.locator(".mesw-launcher").click()
    expect(page.locator("#mesw-panel")).to_be_visible()
    assert _violations(page) == []
