"""Conversations that finish, the rest (SPEC §4.3, §6): whole conversations through the gateway
with the real records, actions and Rasa, typed as people type.

A question asked before logging in is answered once the login ends, without asking again; a
professional is called by the title recorded for them ("infirmière").
"""

from __future__ import annotations

from support.chat import DEMO, Chat, Records, Respondent, drive, logged_in, login
from support.stack import Stack

NADIA_KEY = "pro_demo_haddad_infirmiere_c2e4a9"  # records' demo seed


def test_a_question_asked_before_logging_in_is_answered_after_the_login(
    healthy_stack: Stack,
) -> None:
    records = Records(healthy_stack)
    person = Respondent(records, DEMO["camille"])
    records.activate(person.person)
    chat = Chat.open(healthy_stack)
    chat.say("qu'est-ce que voit le samu")
    assert "connectez-vous d'abord" in chat.text(), chat.dump()
    chat.choose(r"Me connecter")
    drive(chat, person.respond, lambda c: logged_in(c.text()))

    # The answer comes with "Vous êtes connecté", without the question typed again.
    summary = records.as_conversation(chat.conversation_id, "GET", "/me/emergency-summary")
    said = chat.text()
    assert "En cas d'urgence, un médecin peut voir ces informations." in said, chat.dump()
    for kind in ("conditions", "treatments", "allergies"):
        for item in summary[kind]:
            label = item.get("label") if isinstance(item, dict) else item
            assert label in said, (label, chat.dump())
    asked = [m["text"] for m in chat.transcript if m["from"] == "user"]
    assert sum("samu" in text for text in asked) == 1, asked
    # The answer instead of the logged-in menu.
    assert "connectée.\nQue voulez-vous faire ?" not in said, chat.dump()


def test_nadia_haddad_is_said_to_be_an_infirmiere(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    records = Records(healthy_stack)
    me = next(
        p
        for p in records.as_conversation(chat.conversation_id, "GET", "/me/people")
        if p["relation"] == "self"
    )
    status, answer = records.call(
        "POST",
        f"/patients/{me['id']}/emergency",
        {"reason": "Malaise au domicile"},
        bearer=NADIA_KEY,
    )
    assert status == 200, (status, answer)
    chat.say("ki a vu mon dossier")
    said = chat.text()
    assert "Nadia Haddad, infirmière," in said, chat.dump()
    assert "infirmier," not in said, chat.dump()
