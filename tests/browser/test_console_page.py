"""The helpline (3422) console in a real headless Chromium, beside the person's widget, against
the real stack: queue within two seconds, take over, messages both ways, hand back, find by
code, refusals, two agents, keyboard only and axe-core (WCAG 2.2 A/AA)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from support.helpline import ASK_FOR_A_HUMAN, DEMO_AGENT, SHORT_CODE, add_agent
from support.stack import Stack
from widget_helpers import (
    axe_violations,
    bot_messages,
    count_messages,
    focus_visible,
    open_front_page,
    send,
    transcript,
)


@pytest.fixture
def agent_context(browser: Browser, healthy_stack: Stack) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=healthy_stack.url("gateway"),
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def console(agent_context: BrowserContext) -> Page:
    return agent_context.new_page()


def open_console(page: Page) -> None:
    page.goto("/console")
    expect(page.locator("body[data-ready='true']")).to_have_count(1)


def log_in(page: Page, login: str = DEMO_AGENT[0], password: str = DEMO_AGENT[1]) -> None:
    """Keyboard only: the login field has the focus, Tab to the password, Enter."""
    open_console(page)
    expect(page.locator("#login-section")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "login"
    page.keyboard.type(login)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.locator("#desk")).to_be_visible()


def person_asks_for_a_human(page: Page) -> str:
    open_front_page(page)
    send(page, ASK_FOR_A_HUMAN)
    match = SHORT_CODE.search(transcript(page))
    assert match, transcript(page)
    return "".join(match.groups())


def newest_row(page: Page):
    return page.locator("#queue-rows tr").last


def test_agent_takes_over_from_the_widget_and_hands_back(page: Page, console: Page) -> None:
    person_asks_for_a_human(page)
    log_in(console)
    # The person is in the queue within two seconds, with what they wrote.
    row = newest_row(console)
    expect(row).to_contain_text("parler à une personne", timeout=2_000)
    expect(row).to_contain_text("Site internet")

    row.get_by_role("button").click()
    expect(console.locator("#conversation")).to_be_visible()
    expect(console.locator("#transcript .from-user").last).to_contain_text("parler à une personne")
    console.locator("#take").click()
    expect(console.locator("#message")).to_be_focused()
    expect(page.locator(".mesw-log")).to_contain_text(
        "Agent, une personne du 3422, vous répond maintenant."
    )

    before = count_messages(page)
    console.keyboard.type("Bonjour, je m'appelle Nadia")
    console.keyboard.press("Enter")
    agent_words = page.locator(".mesw-from-agent")
    expect(agent_words).to_have_count(1, timeout=5_000)
    expect(agent_words).to_contain_text("Bonjour, je m'appelle Nadia")
    expect(agent_words).to_contain_text("Agent (3422)")
    assert count_messages(page) == before + 1

    answers_before = bot_messages(page).count()
    field = page.locator("#mesw-input")
    field.fill("merci Nadia, j'ai perdu ma carte Vitale")
    field.press("Enter")
    expect(console.locator("#transcript .from-user").last).to_contain_text(
        "j'ai perdu ma carte Vitale", timeout=5_000
    )
    page.wait_for_timeout(1_000)
    assert bot_messages(page).count() == answers_before  # the assistant stays quiet

    console.locator("#give-back").click()
    expect(console.locator("#status")).to_contain_text("L'assistant répond de nouveau")
    expect(page.locator(".mesw-log")).to_contain_text("La personne du 3422 a quitté")
    send(page, "bonjour")
    last = page.locator(".mesw-log .mesw-msg").last
    assert "mesw-from-bot" in (last.get_attribute("class") or ""), transcript(page)


def test_find_by_code_and_a_wrong_code(page: Page, console: Page, healthy_stack: Stack) -> None:
    code = person_asks_for_a_human(page)
    log_in(console, *add_agent(healthy_stack, "agentsarah", "Sarah Dubois"))
    field = console.locator("#code")
    field.fill("0000" if code != "0000" else "1111")
    field.press("Enter")
    expect(console.locator("#find-error")).to_have_text(
        re.compile("Ce code ne marche pas"), timeout=5_000
    )
    expect(console.locator("#conversation")).to_be_hidden()
    field.fill(" ".join(code))  # as the person reads it out
    field.press("Enter")
    expect(console.locator("#conversation")).to_be_visible()
    expect(console.locator("#conversation-heading")).to_be_focused()
    said = re.compile(r"Votre code pour le 3422\s*:\s*" + r"\s*".join(code))
    expect(console.locator("#transcript")).to_contain_text(said)


def test_an_unauthenticated_browser_gets_only_the_login_form(console: Page) -> None:
    open_console(console)
    expect(console.locator("#login-section")).to_be_visible()
    expect(console.locator("#desk")).to_be_hidden()
    status = console.evaluate("() => fetch('/api/console/queue').then(r => r.status)")
    assert status == 401
    # A wrong password: a clear message, the agent stays on the form.
    console.locator("#login").fill(DEMO_AGENT[0])
    console.locator("#password").fill("pas-le-bon")
    console.locator("#password").press("Enter")
    expect(console.locator("#login-error")).to_contain_text("mot de passe est faux")
    assert axe_violations(console) == ""


def test_the_cookie_is_out_of_reach_of_scripts_and_ends_with_logout(console: Page) -> None:
    log_in(console)
    cookies = console.context.cookies()
    cookie = next(c for c in cookies if c["name"] == "mes_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "mes_console" not in console.evaluate("() => document.cookie")
    console.locator("#logout").click()
    expect(console.locator("#login-section")).to_be_visible()
    status = console.evaluate("() => fetch('/api/console/queue').then(r => r.status)")
    assert status == 401


def test_two_agents_take_the_same_conversation(
    page: Page, console: Page, browser: Browser, healthy_stack: Stack
) -> None:
    code = person_asks_for_a_human(page)
    log_in(console)
    other_context = browser.new_context(base_url=healthy_stack.url("gateway"), locale="fr-FR")
    try:
        other = other_context.new_page()
        other.set_default_timeout(15_000)
        log_in(other, *add_agent(healthy_stack, "agentmarc", "Marc Lemoine"))
        for agent in (console, other):
            agent.locator("#code").fill(code)
            agent.locator("#code").press("Enter")
            expect(agent.locator("#take")).to_be_visible()
        console.locator("#take").click()
        expect(console.locator("#give-back")).to_be_visible()
        other.locator("#take").click()
        expect(other.locator("#conversation-error")).to_have_text(
            "Une autre personne du 3422 aide déjà cette personne."
        )
        expect(other.locator("#conversation-taken")).to_have_text("Agent")
        expect(other.locator("#message-form")).to_be_hidden()
        console.locator("#give-back").click()
        expect(console.locator("#status")).to_contain_text("L'assistant répond de nouveau")
    finally:
        other_context.close()


def test_console_pages_have_no_axe_violation_and_work_with_the_keyboard(
    page: Page, console: Page
) -> None:
    open_console(console)
    assert console.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(console) == ""
    person_asks_for_a_human(page)
    log_in(console)
    expect(newest_row(console)).to_be_visible(timeout=2_000)
    assert axe_violations(console) == ""

    # Keyboard only: Tab to the newest "Ouvrir", Enter, then Tab to "Prendre la conversation".
    target = newest_row(console).get_by_role("button")
    for _ in range(30):
        console.keyboard.press("Tab")
        if target.evaluate("b => b === document.activeElement"):
            break
    else:
        raise AssertionError("the queue's button cannot be reached with Tab")
    assert focus_visible(console)
    console.keyboard.press("Enter")
    expect(console.locator("#conversation-heading")).to_be_focused()
    console.keyboard.press("Tab")
    expect(console.locator("#take")).to_be_focused()
    assert focus_visible(console)
    console.keyboard.press("Enter")
    expect(console.locator("#message")).to_be_focused()
    expect(console.locator("#transcript")).to_have_attribute("role", "log")
    assert axe_violations(console) == ""
    console.locator("#give-back").click()
    expect(console.locator("#status")).to_contain_text("L'assistant répond de nouveau")
