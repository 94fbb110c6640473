"""The web widget in a real headless Chromium against the real stack (SPEC §5, §4.4).

Accessibility (axe-core, WCAG 2.2 A/AA tags), keyboard only, focus and live region, 320 px
and 200 % zoom, reload, the masked secret field, agent messages, voice, and the failure
message when Rasa stops.
"""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import Browser, Page, expect
from support.chat import DEMO, Records
from support.stack import Stack, http_json
from widget_helpers import (
    axe_violations,
    bot_messages,
    count_messages,
    focus_visible,
    last_text,
    layout_problems,
    open_front_page,
    press_choice_with_keyboard,
    send,
    transcript,
    type_with_keyboard,
    visible_choices,
    wait_for_answer,
)


def test_front_page_with_the_widget_open_has_no_axe_violation(page: Page) -> None:
    open_front_page(page)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == ""


def test_floating_widget_opened_has_no_axe_violation(page: Page) -> None:
    page.goto("/embed")
    launcher = page.locator(".mesw-launcher")
    expect(launcher).to_be_visible()
    launcher.click()
    expect(page.locator("#mesw-panel")).to_be_visible()
    assert axe_violations(page) == ""


def test_no_axe_violation_after_a_conversation_with_buttons(page: Page) -> None:
    open_front_page(page)
    send(page, "bonjour")
    assert visible_choices(page), transcript(page)
    assert axe_violations(page) == ""


def test_easy_to_read_layout(page: Page) -> None:
    open_front_page(page)
    send(page, "bonjour")
    styles = page.evaluate(
        """() => [...document.querySelectorAll('.mesw-lines p, .mesw button, .mesw label')]
        .map(e => { const s = getComputedStyle(e); return {
            size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
            style: s.fontStyle, align: s.textAlign, tag: e.tagName }; })"""
    )
    assert styles
    for style in styles:
        assert style["size"] >= 18, style
        assert style["line"] >= 1.5 - 0.01, style
        assert style["style"] == "normal", style
        assert style["align"] in ("left", "start"), style
    # One sentence per line: every line of the greeting is its own paragraph.
    lines = bot_messages(page).last.locator(".mesw-lines p").all_inner_texts()
    assert len(lines) >= 2, lines
    assert all(len(re.findall(r"[.!?](\s|$)", line)) <= 1 for line in lines), lines
    # Pictograms carry a text alternative.
    for img in page.locator(".mesw-picto").all():
        assert (img.get_attribute("alt") or "").strip()


def test_live_region_labels_and_focus(page: Page) -> None:
    open_front_page(page)
    log = page.locator(".mesw-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("aria-label")
    field = page.get_by_label("Votre message")
    expect(field).to_have_attribute("id", "mesw-input")
    field.focus()
    before = count_messages(page)
    page.keyboard.type("bonjour")
    page.keyboard.press("Enter")
    wait_for_answer(page, before + 1)
    # New messages are appended inside the live region; focus stays in the field.
    assert page.evaluate("() => document.activeElement.id") == "mesw-input"
    assert log.locator(".mesw-msg").count() >= before + 2
    assert focus_visible(page)
    # Choosing a button puts the focus back in the message field.
    press_choice_with_keyboard(page, r".")
    assert page.evaluate("() => document.activeElement.id") == "mesw-input"


def test_floating_panel_opens_and_closes_with_the_keyboard(page: Page) -> None:
    page.goto("/embed")
    launcher = page.locator(".mesw-launcher")
    expect(launcher).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('mesw-launcher')"):
            break
    assert focus_visible(page)
    assert launcher.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    expect(page.locator("#mesw-panel")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "mesw-input"
    page.keyboard.press("Escape")
    expect(page.locator("#mesw-panel")).to_be_hidden()
    assert page.evaluate("() => document.activeElement.classList.contains('mesw-launcher')")
    assert launcher.get_attribute("aria-expanded") == "false"


def test_layout_holds_at_320_px_and_200_percent_zoom(browser: Browser, stack: Stack) -> None:
    # 320 CSS px wide (WCAG reflow), then 1280 x 720 at 200 % zoom = 640 x 360 CSS px.
    for width, height, path in (
        (320, 640, "/"),
        (640, 360, "/"),
        (320, 640, "/embed"),
        (640, 360, "/embed"),
    ):
        context = browser.new_context(
            base_url=stack.url("gateway"), viewport={"width": width, "height": height}
        )
        page = context.new_page()
        try:
            page.goto(path)
            if path == "/embed":
                page.locator(".mesw-launcher").click()
            expect(page.locator(".mesw[data-ready='true']")).to_be_attached()
            send(page, "bonjour")
            assert layout_problems(page) == [], (width, height, path)
            panel = page.locator("#mesw-panel").bounding_box()
            assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= width + 1
        finally:
            context.close()


def test_reload_keeps_the_conversation(page: Page) -> None:
    open_front_page(page)
    send(page, "bonjour")
    before = transcript(page)
    conversation = page.evaluate("() => sessionStorage.getItem('mesw-conversation')")
    assert conversation
    page.reload()
    expect(page.locator(".mesw[data-ready='true']")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('mesw-conversation')") == conversation
    assert transcript(page) == before
    assert visible_choices(page), "the last answer's buttons are gone after the reload"


def test_reduced_motion_turns_animations_off(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(base_url=stack.url("gateway"), reduced_motion="reduce")
    page = context.new_page()
    try:
        open_front_page(page)
        send(page, "bonjour")
        names = page.evaluate(
            "() => [...document.querySelectorAll('.mesw-msg')]"
            ".map(e => getComputedStyle(e).animationName)"
        )
        assert set(names) == {"none"}, names
        assert (
            page.evaluate(
                "() => getComputedStyle(document.querySelector('.mesw-log')).scrollBehavior"
            )
            == "auto"
        )
    finally:
        context.close()


def test_play_button_on_every_bot_message_and_read_aloud_switch(page: Page, stack: Stack) -> None:
    open_front_page(page)
    send(page, "bonjour")
    messages = bot_messages(page)
    for i in range(1, messages.count()):  # the first one is the widget's own welcome
        play = messages.nth(i).locator(".mesw-play")
        expect(play).to_have_attribute("aria-label", "Écouter ce message")
    audio = page.request.get(messages.last.locator(".mesw-play").get_attribute("data-audio"))
    assert audio.status == 200, audio.text()
    assert audio.headers["content-type"] == "audio/mpeg"
    switch = page.get_by_role("switch", name="Toujours lire à voix haute")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.press("Enter")
    expect(switch).to_have_attribute("aria-checked", "true")
    conversation = page.evaluate("() => sessionStorage.getItem('mesw-conversation')")
    status, state = http_json("GET", f"{stack.url('gateway')}/api/conversations/{conversation}")
    assert status == 200 and state["voice"] is True


def test_agent_messages_appear_when_a_person_takes_over(page: Page, stack: Stack) -> None:
    open_front_page(page)
    send(page, "bonjour")
    conversation = page.evaluate("() => sessionStorage.getItem('mesw-conversation')")
    auth = {"Authorization": f"Bearer {stack.internal_token}"}
    base = f"{stack.url('gateway')}/internal/conversations/{conversation}"
    before = count_messages(page)
    assert http_json("PUT", base + "/handoff", {"active": True}, auth)[0] == 200
    body = {
        "text": "Bonjour, je m'appelle Claire.\nJe vais vous aider.",
        "from": "agent",
        "agent_name": "Claire",
    }
    assert http_json("POST", base + "/messages", body, auth)[0] == 200
    agent = page.locator(".mesw-from-agent")
    expect(agent).to_have_count(1, timeout=10_000)
    assert "Claire" in agent.inner_text()
    assert "Je vais vous aider." in agent.inner_text()
    assert count_messages(page) == before + 2  # "a person joins" and the agent's words
    assert axe_violations(page) == ""
    http_json("PUT", base + "/handoff", {"active": False}, auth)


def test_whole_conversation_with_the_keyboard_only_and_a_masked_secret(
    page: Page, stack: Stack
) -> None:
    """Greeting, buttons, login with the masked field, then an appointment: keyboard only."""
    person = DEMO["rose"]
    records = Records(stack)
    records.activate(person)
    used: set[str] = set()

    def fresh_code() -> str:
        for _ in range(50):
            code = records.latest_code(person.phone)
            if code not in used:
                used.add(code)
                return code
            time.sleep(0.2)
        raise AssertionError("no new code")

    open_front_page(page)
    for _ in range(30):  # Tab from the top of the page to the message field
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "mesw-input":
            break
    assert page.evaluate("() => document.activeElement.id") == "mesw-input"
    type_with_keyboard(page, "bonjour")
    press_choice_with_keyboard(page, r"connecter")
    secrets_typed: list[str] = []
    for _ in range(12):
        said = last_text(page)
        if re.search(r"Vous êtes connecté", said):
            break
        field = page.locator("#mesw-input")
        if field.get_attribute("type") == "password":
            secret = person.password if "mot de passe" in said else fresh_code()
            secrets_typed.append(secret)
            type_with_keyboard(page, secret)
            assert field.get_attribute("type") in ("text", "password")
        elif re.search(r"identifiant", said):
            type_with_keyboard(page, person.identifier)
        elif visible_choices(page) and re.search(r"SMS", " ".join(visible_choices(page))):
            press_choice_with_keyboard(page, r"SMS")
        else:
            raise AssertionError(f"unexpected question:\n{transcript(page)}")
    assert "Vous êtes connecté" in last_text(page), transcript(page)
    assert len(secrets_typed) >= 2

    # The secrets are nowhere: not in the transcript, the page, the storage, the history.
    html = page.content()
    storage = page.evaluate(
        "() => JSON.stringify({...sessionStorage}) + JSON.stringify({...localStorage})"
    )
    conversation = page.evaluate("() => sessionStorage.getItem('mesw-conversation')")
    history = json.dumps(
        http_json("GET", f"{stack.url('gateway')}/api/conversations/{conversation}")[1]
    )
    for secret in secrets_typed:
        assert secret not in html
        assert secret not in storage
        assert secret not in history
    assert page.locator(".mesw-from-user").filter(has_text="Nous le gardons caché").count() >= 2

    # The appointment, keyboard only.
    press_choice_with_keyboard(page, r"Noter un rendez-vous")
    for _ in range(12):
        said = last_text(page)
        if "J'ai noté votre rendez-vous" in said:
            break
        if re.search(r"pour qui", said, re.I):
            press_choice_with_keyboard(page, r"Pour moi")
        elif re.search(r"quel professionnel", said, re.I):
            press_choice_with_keyboard(page, r"^Dentiste")
        elif re.search(r"Quel jour", said):
            type_with_keyboard(page, "mardi prochain à 14 h 30")
        elif re.search(r"Où est le rendez-vous", said):
            press_choice_with_keyboard(page, r"Je ne sais pas")
        elif re.search(r"rappel", said):
            press_choice_with_keyboard(page, r"Non merci")
        elif re.search(r"C'est juste", said):
            assert "mardi" in said and "14 heures 30" in said, said
            press_choice_with_keyboard(page, r"^Oui$")
        else:
            raise AssertionError(f"unexpected question:\n{transcript(page)}")
    assert "J'ai noté votre rendez-vous" in last_text(page), transcript(page)


def test_rasa_stopped_shows_the_failure_message_then_answers(page: Page, stack: Stack) -> None:
    open_front_page(page)
    send(page, "bonjour")
    stack.stop_component("rasa")
    try:
        field = page.locator("#mesw-input")
        field.fill("je veux voir mes rendez-vous")
        before = count_messages(page)
        start = time.monotonic()
        field.press("Enter")
        failure = page.locator(".mesw-from-system").filter(has_text="Le service ne marche pas")
        expect(failure).to_have_count(1, timeout=3_000)
        assert time.monotonic() - start < 3.0
        assert "3422" in failure.inner_text()
        assert count_messages(page) == before + 2  # the user's words are kept on screen
        text = transcript(page)
        assert not re.search(r"error|exception|traceback|http|500|503", text, re.I), text
    finally:
        stack.start_component("rasa")
    # The retry loop answers the kept message once Rasa is back (no reload, no new typing).
    back = page.locator(".mesw-from-system").filter(has_text="Le service marche de nouveau")
    expect(back).to_have_count(1, timeout=30_000)
    wait_for_answer(page, count_messages(page) - 1, timeout=15)
    assert bot_messages(page).last.inner_text().strip()
