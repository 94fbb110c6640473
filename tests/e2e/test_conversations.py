"""Whole conversations through the gateway against the real records, actions and Rasa,
in French as people type it (SPEC §4, §7). Demo identities: records/seed.py,
docs/demo-identities.md. Codes come from records' development outbox; passwords and codes
go through the gateway's secret path and must never reach Rasa's tracker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.chat import DEMO, Chat, Records, Reply, Respondent, drive, logged_in, login
from support.leaks import assert_nowhere, tracker_text
from support.stack import Stack, http_json

from bot import messages

PARIS = ZoneInfo("Europe/Paris")


def assert_no_secret_in_tracker(stack: Stack, chat: Chat, person: Respondent) -> None:
    assert person.secrets_typed, "the conversation asked for no secret"
    assert_nowhere(stack, chat, person.secrets_typed)
    assert "secret_ok" in tracker_text(stack, chat.conversation_id)  # Rasa got the outcome instead
    gateway_log = (stack.log_dir / "gateway.log").read_text(encoding="utf-8", errors="replace")
    assert chat.conversation_id not in gateway_log


def test_greeting_offers_buttons(healthy_stack: Stack) -> None:
    chat = Chat.open(healthy_stack)
    answers = chat.say("bonjour")
    assert answers, "no answer to « bonjour »"
    assert all(m["from"] == "bot" for m in answers), chat.dump()
    assert chat.buttons(), f"the greeting offers no button:\n{chat.dump()}"
    assert any(m.get("pictogram") for m in answers)


def test_activation_of_a_demo_person_through_the_bot(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    person = Respondent(records, DEMO["camille"])
    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    chat.say("je voudrais creer mon espace santé")
    drive(chat, person.respond, lambda c: logged_in(c.text()), max_turns=25)
    # The space exists: records answers for this conversation, which is now linked.
    me = records.as_conversation(chat.conversation_id, "GET", "/me/people")
    assert any(p["relation"] == "self" and p["first_name"] == "Camille" for p in me)
    assert_no_secret_in_tracker(healthy_stack, chat, person)


def next_tuesday_candidates(now: datetime) -> list[datetime]:
    days = (1 - now.weekday()) % 7 or 7
    first = (now + timedelta(days=days)).replace(hour=14, minute=30, second=0, microsecond=0)
    return [first, first + timedelta(days=7)]


def test_booking_an_appointment_next_tuesday(healthy_stack: Stack) -> None:
    chat, person = login(healthy_stack, "karim")
    assert_no_secret_in_tracker(healthy_stack, chat, person)
    # The date comes when the assistant asks for it, typed the way people write it.
    chat.say("je voudrais noter un rendez-vous chez le dentiste")
    rules: list[tuple[str, Reply]] = [
        (r"pour qui", ("button", r"Pour moi")),
        (r"quel professionnel", ("button", r"^Dentiste")),
        (r"Quel jour", "mardi prochain à 14 h 30"),
        (r"Où est le rendez-vous", "au cabinet dentaire, 3 rue Victor Hugo à Lyon"),
        (r"rappel", ("button", r"SMS")),
        (r"C'est juste", ("button", r"^Oui$")),
    ]
    confirmations: list[str] = []

    def respond(c: Chat) -> Reply:
        if "C'est juste" in c.text():
            confirmations.append(c.text())
        return person.respond(c, rules)

    drive(chat, respond, lambda c: "J'ai noté votre rendez-vous" in c.text())
    # The assistant repeated the appointment in full words before saving it.
    assert confirmations, chat.dump()
    assert "mardi" in confirmations[-1] and "14 heures 30" in confirmations[-1], confirmations
    appointments = Records(healthy_stack).as_conversation(
        chat.conversation_id, "GET", "/me/appointments?upcoming=true"
    )
    expected = next_tuesday_candidates(datetime.now(PARIS))
    starts = [datetime.fromisoformat(a["starts_at"]).astimezone(PARIS) for a in appointments]
    assert any(
        s.replace(tzinfo=None) in [e.replace(tzinfo=None) for e in expected] for s in starts
    ), (
        starts,
        expected,
    )
    booked = [a for a in appointments if a["professional_kind"] == "dentiste"]
    assert booked, appointments


def test_blocking_a_professional(healthy_stack: Stack) -> None:
    chat, person = login(healthy_stack, "julie")
    records = Records(healthy_stack)
    before = records.as_conversation(chat.conversation_id, "GET", "/me/professionals")
    assert any(p["authorised"] and not p["blocked"] for p in before), before
    chat.say("je veux bloquer un professionnel")
    rules: list[tuple[str, Reply]] = [
        (r"Quel professionnel voulez-vous bloquer", ("button", r".")),
        (r"C'est bien ça", ("button", r"^Oui$")),
    ]
    drive(chat, lambda c: person.respond(c, rules), lambda c: "J'ai bloqué" in c.text())
    after = records.as_conversation(chat.conversation_id, "GET", "/me/professionals")
    newly_blocked = [
        p["name"]
        for p in after
        if p["blocked"] and not any(b["id"] == p["id"] and b["blocked"] for b in before)
    ]
    assert len(newly_blocked) == 1, (before, after)
    assert newly_blocked[0].split()[-1] in chat.text(), chat.dump()


def _same_line(entry: dict) -> tuple:
    """What makes two entries one line: the same person doing the same kind of thing."""
    verb = str(entry["action"]).split("_")[0]
    kind = verb if verb in {"read", "add", "change", "emergency"} else "other"
    return (
        entry["actor_name"],
        entry["actor_role"],
        kind,
        entry["allowed"],
        entry.get("document_title"),
    )


def test_who_looked_at_my_record_names_each_entry(healthy_stack: Stack) -> None:
    """Camille's record was read, added to and refused by professionals (records' seed): the
    assistant lists the latest people, newest first, each with who did what; the same person
    doing the same thing one after the other is one line; at most two lines, then the site."""
    chat, _ = login(healthy_stack, "camille")
    log = Records(healthy_stack).as_conversation(
        chat.conversation_id, "GET", "/me/access-log?limit=50"
    )
    seeded = {(e["actor_name"], e["action"]) for e in log}
    assert any(action == "read_record" for _, action in seeded), log
    assert any(action == "refused_read_record" for _, action in seeded), log
    chat.say("qui a vu mon dossier")
    texts = [m["text"] for m in chat.last]
    assert texts[0] == "Voici les dernières personnes qui ont ouvert ou rempli votre dossier."
    lines: list[tuple[dict, int]] = []
    for entry in log:
        if lines and _same_line(lines[-1][0]) == _same_line(entry):
            lines[-1] = (lines[-1][0], lines[-1][1] + 1)
        else:
            lines.append((entry, 1))
    more = (
        ["Pour voir toute la liste, allez sur le site monespacesante.fr."] if len(lines) > 2 else []
    )
    assert len(texts) == 1 + min(2, len(lines)) + len(more), chat.dump()
    assert texts[1 + min(2, len(lines)) :] == more, chat.dump()
    for (entry, count), said in zip(lines[:2], texts[1:], strict=False):
        assert entry["actor_name"] in said, (entry, said)
        assert (f"{count} fois" in said) == (count > 1), (entry, count, said)
        if entry["allowed"] is False:
            assert "a essayé" in said and said.endswith("Nous avons refusé."), said
        elif entry["action"] == "read_record":
            assert "a lu votre dossier" in said, said


def test_who_looked_at_my_record_when_nobody_did(healthy_stack: Stack) -> None:
    """Thomas's record has no access in records' seed and no test reads it."""
    chat, _ = login(healthy_stack, "thomas")
    log = Records(healthy_stack).as_conversation(
        chat.conversation_id, "GET", "/me/access-log?limit=5"
    )
    assert log == [], "a test read Thomas's record: choose another person here"
    chat.say("qui a vu mon dossier")
    assert [m["text"] for m in chat.last] == ["Personne n'a ouvert votre dossier pour le moment."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty_message"),
        ("\x00\x01", "nothing_to_read"),  # nothing to read: answered, never silence
        ("🙂" * 500, 200),
        ("<script>alert(1)</script>", 200),
    ],
    ids=["empty", "control-characters", "500-emoji", "script-tag"],
)
def test_hostile_input_through_the_real_stack(
    healthy_stack: Stack, text: str, expected: int | str
) -> None:
    chat = Chat.open(healthy_stack)
    url = f"{chat.base}/api/conversations/{chat.conversation_id}/messages"
    status, body = http_json("POST", url, {"text": text}, timeout=30)
    if expected == "nothing_to_read":
        assert status == 200, (status, body)
        assert [m["text"] for m in body["messages"]] == [messages.text("nothing_to_read")], body
    elif isinstance(expected, str):
        assert status == 422, (status, body)
        assert body["error"] == {"code": expected, "message": messages.text(expected)}
        assert all(m["from"] != "user" for m in chat.history()["messages"])
    else:
        assert status == expected, (status, body)
        assert body["user_message"]["text"] == text  # kept as typed: the widget shows text
        assert body["messages"], "the person got no answer"
        assert all(m["from"] == "bot" and m["text"] for m in body["messages"]), body
    # The conversation and Rasa go on.
    answers = chat.say("bonjour")
    assert answers and answers[0]["from"] == "bot", chat.dump()
