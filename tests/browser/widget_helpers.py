"""Helpers of the browser tests: open the widget, talk through it, measure it."""

from __future__ import annotations

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

# The WCAG 2.2 A/AA rule sets of axe-core (SPEC §5).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


def axe_violations(page: Page) -> str:
    """An empty string when axe-core finds no violation, else its report.

    Waits for running animations first: a message fading in (0.2 s) is half transparent,
    and axe-core would measure the colour contrast of that passing frame, not of the page.
    """
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')", timeout=5_000
    )
    results = Axe().run(page, options=AXE_OPTIONS)
    return "" if results.violations_count == 0 else results.generate_report()


def open_front_page(page: Page) -> None:
    page.goto("/")
    expect(page.locator(".mesw[data-ready='true']")).to_be_visible()


def bot_messages(page: Page):
    return page.locator(".mesw-log .mesw-msg:not(.mesw-from-user)")


def count_messages(page: Page) -> int:
    return page.locator(".mesw-log .mesw-msg").count()


def send(page: Page, text: str) -> None:
    """Type into the message field and press Enter; wait until an answer arrives."""
    before = count_messages(page)
    field = page.locator("#mesw-input")
    field.fill(text)
    field.press("Enter")
    wait_for_answer(page, before + 1)


def wait_for_answer(page: Page, at_least: int, timeout: float = 20.0) -> None:
    """Wait for a message from the bot, an agent or the gateway after `at_least` messages."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        nodes = page.locator(".mesw-log .mesw-msg")
        total = nodes.count()
        if total > at_least and "mesw-from-user" not in (
            nodes.nth(total - 1).get_attribute("class") or ""
        ):
            page.wait_for_timeout(300)  # the rest of the same answer
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no answer in {timeout} s:\n{transcript(page)}")


def transcript(page: Page) -> str:
    return page.locator(".mesw-log").inner_text()


def last_text(page: Page) -> str:
    nodes = bot_messages(page)
    return nodes.nth(nodes.count() - 1).inner_text()


def visible_choices(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".mesw-choices button").all_inner_texts()]


def press_choice_with_keyboard(page: Page, pattern: str) -> None:
    """From the message field, Shift+Tab back to the choice and press Enter (keyboard only)."""
    regex = re.compile(pattern, re.IGNORECASE)
    before = count_messages(page)
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        label = page.evaluate(
            "() => { const e = document.activeElement;"
            " return e && e.closest('.mesw-choices') ? e.textContent : null; }"
        )
        if label and regex.search(label):
            break
    else:
        raise AssertionError(f"no choice matching {pattern!r}: {visible_choices(page)}")
    page.keyboard.press("Enter")
    wait_for_answer(page, before + 1)


def type_with_keyboard(page: Page, text: str) -> None:
    """Type in the focused message field and press Enter, then wait for the answer."""
    assert page.evaluate("() => document.activeElement.id") == "mesw-input"
    before = count_messages(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_for_answer(page, before + 1)


def focus_visible(page: Page) -> bool:
    """The focused element draws an outline or a halo."""
    return page.evaluate(
        """() => {
        const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
            || s.boxShadow !== 'none';
    }"""
    )


def layout_problems(page: Page) -> list[str]:
    """Horizontal scrolling and targets smaller than 44 x 44 px in the widget."""
    return page.evaluate(
        """() => {
        const problems = [];
        const root = document.documentElement;
        if (root.scrollWidth > root.clientWidth + 1) {
            problems.push(`horizontal scroll: ${root.scrollWidth} > ${root.clientWidth}`);
        }
        for (const el of document.querySelectorAll('.mesw button, .mesw input')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;  // hidden
            if (r.width < 44 || r.height < 44) {
                problems.push(`small target ${el.outerHTML.slice(0, 80)}: ${r.width}x${r.height}`);
            }
            if (r.right > root.clientWidth + 1) {
                problems.push(`outside the screen ${el.outerHTML.slice(0, 80)}: ${r.right}`);
            }
        }
        return problems;
    }"""
    )
