"""Repeat, voice, talking to a person, help at each step, stopping: no records needed."""

from __future__ import annotations

from typing import Any

from actions.common import ActionHelp, ActionRepeat, ActionStop, ActionTalkToHuman, ActionVoice
from actions.formatting import format_datetime, parse_birth_date, parse_when
from scripts import generate_rules
from tests.actions.conftest import Conversation, responses


async def test_repeat_sends_the_last_answer_again(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.user("bonjour", intent="greet")
    conv.events.append(
        {
            "event": "bot",
            "text": "Bonjour.",
            "data": {"buttons": [{"title": "Aide", "payload": "/help"}]},
        }
    )
    conv.events.append({"event": "bot", "text": "Que voulez-vous faire ?", "data": {}})
    conv.user("répète", intent="repeat")
    messages, _ = await conv.run(ActionRepeat())
    assert [m["text"] for m in messages] == ["Bonjour.", "Que voulez-vous faire ?"]
    assert messages[0]["buttons"] == [{"title": "Aide", "payload": "/help"}]


async def test_repeat_inside_a_form_lets_the_form_ask_again(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.active_loop = "appointment_form"
    conv.user("quoi ?", intent="repeat")
    messages, _ = await conv.run(ActionRepeat())
    assert responses(messages) == ["utter_repeat_question"]


async def test_voice_on_and_off_tell_the_gateway(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.user("lis-moi", intent="voice_on")
    messages, _ = await conv.run(ActionVoice())
    assert messages[0]["custom"] == {"voice": True} and conv.slots["voice"] is True
    conv.user("arrête de lire", intent="voice_off")
    messages, _ = await conv.run(ActionVoice())
    assert messages[0]["custom"] == {"voice": False} and conv.slots["voice"] is False


async def test_talk_to_human_hands_off(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    messages, _ = await conv.run(ActionTalkToHuman())
    assert responses(messages) == ["utter_handoff"]
    assert messages[0]["custom"] == {"handoff": True}


async def test_help_fits_the_step(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.active_loop = "activation_form"
    conv.slots["requested_slot"] = "vitale_serial"
    messages, _ = await conv.run(ActionHelp())
    assert responses(messages)[0] == "utter_help_vitale_serial"
    conv.active_loop = None
    conv.slots.update(requested_slot=None, secret_pending="activation_code")
    messages, _ = await conv.run(ActionHelp())
    assert responses(messages)[0] == "utter_help_code"
    conv.slots["secret_pending"] = None
    messages, _ = await conv.run(ActionHelp())
    assert responses(messages) == ["utter_help", "utter_helpline", "utter_phishing_warning"]


async def test_stop_ends_the_form_and_clears_its_answers(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.active_loop = "appointment_form"
    conv.slots.update(professional="dentiste", requested_slot="appointment_time")
    messages, events = await conv.run(ActionStop())
    assert responses(messages) == ["utter_stopped"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]
    assert conv.slots["professional"] is None


def test_every_response_the_actions_use_exists(domain: dict[str, Any]) -> None:
    import pathlib
    import re

    names = set()
    for path in pathlib.Path("actions").glob("*.py"):
        names |= set(re.findall(r'"(utter_[a-z_]+)"', path.read_text(encoding="utf-8")))
    names |= {f"utter_{p}_{t}" for p in ("choose", "confirm") for t in (
        "cancel_appointment", "hide_document", "show_document",
        "block_professional", "allow_professional")}  # fmt: skip
    names |= {f"utter_nothing_to_{t}" for t in (
        "cancel_appointment", "hide_document", "show_document",
        "block_professional", "allow_professional")}  # fmt: skip
    missing = sorted(n for n in names if n not in domain["responses"])
    assert not missing


def test_generated_rules_are_up_to_date() -> None:
    for name, text in generate_rules.render().items():
        committed = (generate_rules.RULES / name).read_text(encoding="utf-8")
        assert committed == text, f"run `python -m scripts.generate_rules`: {name} is out of date"


def test_free_text_answers_never_swallow_an_interruption(domain: dict[str, Any]) -> None:
    """A form question answered with "qui a vu mon dossier ?" must reach the interruption
    rule, not be stored as the answer: every from_text mapping excludes those intents."""
    wanted = set(generate_rules.INTERRUPTIONS) | {"stop"}
    for slot, spec in domain["slots"].items():
        for mapping in spec.get("mappings", []):
            if mapping.get("type") == "from_text":
                missing = wanted - set(mapping.get("not_intent") or [])
                assert not missing, f"slot {slot}: from_text takes {sorted(missing)}"


def test_dates_in_full_words() -> None:
    from datetime import datetime

    from actions.formatting import PARIS

    assert format_datetime(datetime(2026, 12, 1, 10, 30, tzinfo=PARIS)) == (
        "mardi 1er décembre 2026 à 10 heures 30"
    )
    now = datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)  # a Thursday
    when, has_time = parse_when("mardi prochain à 14h", now)
    assert has_time and format_datetime(when) == "mardi 1er décembre 2026 à 14 heures"
    when, has_time = parse_when("le 3 décembre à 10 h 30", now)
    assert format_datetime(when) == "jeudi 3 décembre 2026 à 10 heures 30"
    when, has_time = parse_when("demain", now)
    assert not has_time and when.date().isoformat() == "2026-11-27"
    assert parse_when("bonjour", now) == (None, False)
    assert parse_birth_date("12/03/1958").isoformat() == "1958-03-12"
    assert parse_birth_date("demain") is None


def test_dates_as_people_write_them() -> None:
    from datetime import date, datetime

    from actions.formatting import PARIS

    now = datetime(2026, 11, 27, 10, 0, tzinfo=PARIS)  # a Friday
    # A day of the month alone is the next such day, never one already past.
    assert parse_when("le 3 a 15h", now)[0] == datetime(2026, 12, 3, 15, 0, tzinfo=PARIS)
    assert parse_when("non en fait c le 4", now) == (datetime(2026, 12, 4, tzinfo=PARIS), False)
    assert parse_when("le 31 à 10h", now)[0] == datetime(2026, 12, 31, 10, 0, tzinfo=PARIS)
    assert parse_when("dans 3 jours", now)[0].date() == date(2026, 11, 30)
    today = date(2026, 11, 27)
    # A Vitale serial number is not a birth date (dateparser reads it as a Unix timestamp).
    assert parse_birth_date("1000000101", today) is None
    assert parse_birth_date("2001", today) is None
    assert parse_birth_date("le 12 avril 85", today) == date(1985, 4, 12)
    assert parse_birth_date("12/04/05", today) == date(2005, 4, 12)
    assert parse_birth_date("la date c'est pas bonne c le 30/11/1962", today) == date(1962, 11, 30)


def test_the_action_server_serves_exactly_the_domain_actions(domain: dict[str, Any]) -> None:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    assert sorted(executor.actions) == sorted(domain["actions"])


async def test_only_known_contacts_are_offered(domain: dict[str, Any]) -> None:
    from actions.account import ActionAskActivationChannel, ActionAskContactsOk

    conv = Conversation(domain)
    conv.slots.update(contact_sms="06 •• •• •• 12", contact_email=None)
    messages, _ = await conv.run(ActionAskActivationChannel())
    assert responses(messages) == ["utter_ask_channel_sms_only"]
    conv.slots.update(contact_sms=None, contact_email="p•••@example.org")
    messages, _ = await conv.run(ActionAskContactsOk())
    assert responses(messages) == ["utter_ask_contacts_ok_email_only"]
    conv.slots.update(contact_sms="06 •• •• •• 12")
    messages, _ = await conv.run(ActionAskActivationChannel())
    assert responses(messages) == ["utter_ask_channel"]


def test_a_choice_typed_instead_of_a_button() -> None:
    from actions.choices import match_choice

    items = [
        {"id": "a", "label": "mardi 1er décembre 2026 à 10 heures, le dentiste"},
        {"id": "b", "label": "jeudi 3 décembre 2026 à 15 heures, le pédiatre"},
        {"id": "c", "label": "vendredi 4 décembre 2026 à 9 heures, le kinésithérapeute"},
    ]

    def chosen(text: str, among: list[dict[str, str]] = items) -> str | None:
        item = match_choice(text, among)
        return item["id"] if item else None

    assert [chosen(t) for t in ("2", "le 2", "numéro 3", "le premier", "la deuxième")] == [
        "b",
        "b",
        "c",
        "a",
        "b",
    ]
    assert chosen("le dernier") == "c"
    assert chosen("celui du 3 décembre") == "b"
    assert chosen("celui de noah chez le dentiste") == "a"
    assert chosen("le pediatre") == "b"
    assert chosen("bonjour") is None and chosen("oui") is None, "oui says nothing among three"
    assert chosen("oui oui", items[:1]) == "a", "one item: yes means that one"
    documents = [
        {"id": "d1", "label": "Bilan cholestérol, 3 mars 2026"},
        {"id": "d2", "label": "Ordonnance du dentiste, 1er avril 2026"},
    ]
    assert chosen("le bilan cholesterol", documents) == "d1"
