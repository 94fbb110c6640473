"""Moving and cancelling an appointment, typed as people type, through the real stack.
Camille (records/seed_record.py) has two upcoming appointments: the dentist Marc Lefèvre in a
week and the general practitioner Sophie Laurent in three weeks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support.chat import Chat, Records, Reply, drive, first_matching, login
from support.stack import Stack

PARIS = ZoneInfo("Europe/Paris")


def upcoming(stack: Stack, chat: Chat) -> list[dict]:
    return Records(stack).as_conversation(
        chat.conversation_id, "GET", "/me/appointments?upcoming=true"
    )


def test_cancel_the_dentists_appointment_after_a_wrong_answer(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "camille")
    before = upcoming(healthy_stack, chat)
    dentist = [a for a in before if a["professional_kind"] == "dentiste"]
    assert len(dentist) == 1 and len(before) >= 2, before
    chat.say("annule le rdv du dentiste stp")
    offered = chat.text() + " ".join(b["title"] for b in chat.buttons())
    # Only the dentist's appointment is offered, said with the dentist's name.
    assert "Marc Lefèvre" in offered, chat.dump()
    assert "Sophie Laurent" not in offered, chat.dump()
    chat.say("le 4")  # a wrong answer first
    assert "Je ne trouve pas ce choix" in chat.text(), chat.dump()
    rules: list[tuple[str, Reply]] = [
        (r"Quel rendez-vous", ("button", r"Marc Lefèvre")),
        (r"C'est bien ça", "oui"),
    ]
    drive(chat, lambda c: _first(c, rules), lambda c: "J'ai annulé" in c.text(), max_turns=4)
    after = upcoming(healthy_stack, chat)
    assert [a["id"] for a in after] == [a["id"] for a in before if a["id"] != dentist[0]["id"]]


def test_move_the_doctors_appointment_keeping_the_first_sentences_day(
    healthy_stack: Stack,
) -> None:
    chat, _ = login(healthy_stack, "camille")
    before = upcoming(healthy_stack, chat)
    doctor = [a for a in before if a["professional_kind"] == "medecin_generaliste"]
    assert len(doctor) == 1, before
    chat.say("je dois décaler mon rdv chez le médecin a jeudi prochain 11h")
    # The day and time of the first sentence are kept: the summary comes, not "Quel jour".
    assert "Quel jour" not in chat.text(), chat.dump()
    assert "C'est juste" in chat.text(), chat.dump()
    assert "jeudi" in chat.text() and "11 heures" in chat.text(), chat.dump()
    chat.say("aide")  # the help in the middle, then the same question again
    assert "C'est juste" in chat.text(), chat.dump()
    chat.say("oui c bon")
    assert "J'ai déplacé" in chat.text(), chat.dump()
    after = upcoming(healthy_stack, chat)
    doctors = [a for a in after if a["professional_kind"] == "medecin_generaliste"]
    assert len(doctors) == 1, after  # moved, not a second appointment
    assert doctors[0]["id"] == doctor[0]["id"], after
    start = datetime.fromisoformat(doctors[0]["starts_at"]).astimezone(PARIS)
    now = datetime.now(PARIS)
    days = (3 - now.weekday()) % 7 or 7
    thursday = (now + timedelta(days=days)).date()
    assert start.weekday() == 3 and start.hour == 11, start
    assert start.date() in (thursday, thursday + timedelta(days=7)), start


def _first(chat: Chat, rules: list[tuple[str, Reply]]) -> Reply:
    return first_matching(chat, rules)
