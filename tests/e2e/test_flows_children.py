"""A child's vaccines and certificate, and sharing a child with the other parent, through
the real stack. Karim (records/seed_record.py) has Inès, a baby, and Noah, born in 2018;
Thomas is recorded as Inès's other parent."""

from __future__ import annotations

import re

from support.chat import DEMO, Chat, Records, Reply, drive, first_matching, login
from support.leaks import assert_nowhere
from support.stack import Stack, http_json

MORE = "Voulez-vous en savoir plus ?"


def test_vaccines_of_the_schoolboy_said_short_and_with_care(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "karim")
    chat.say("les vaccins de mon fils")
    assert re.search(r"Noah", chat.text() + str(chat.buttons())), chat.dump()
    chat.say("lucas")  # a wrong name first
    assert "Noah" in str(chat.buttons()) or "Noah" in chat.text(), chat.dump()
    chat.say("noah")
    answer = chat.last
    text = chat.text()
    # At most three short bubbles, then the offer to say more.
    assert len(answer) <= 4, chat.dump()
    assert MORE in answer[-1]["text"] or len(answer) <= 3, chat.dump()
    # Noah is eight: an infant dose that was only recommended is not "late".
    assert "en retard" not in text, chat.dump()
    assert "obligatoire" in text.lower() or "conseillé" in text.lower(), chat.dump()


def test_the_school_wants_the_vaccination_certificate(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "karim")
    chat.say("l'école veut le carnet de vaccination")
    chat.say("c pour noah")  # the child, typed
    downloads = [m["download"] for m in chat.last if m.get("download")]
    assert downloads, chat.dump()  # the certificate, not the list of vaccines again
    assert "Voici le certificat" in chat.text(), chat.dump()
    status, body = http_json("GET", chat.base + downloads[0]["url"])
    assert status == 200, (status, str(body)[:200])
    assert str(body).startswith("%PDF"), str(body)[:40]


def test_share_ines_with_her_other_parent(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    thomas = records.activate(DEMO["thomas"])
    chat, karim = login(healthy_stack, "karim")
    chat.say("je veux partager le dossier d'Inès avec son papa")
    tried: list[str] = []

    def respond(c: Chat) -> Reply:
        if "identifiant" in c.text():
            # A wrong identifier first (too short), then the right one.
            tried.append(c.text())
            return "thomas" if len(tried) == 1 else thomas
        return first_matching(
            c,
            [
                (r"enfant", ("button", r"Inès")),
                (r"C'est bien ça", ("button", r"^Oui$")),
            ],
        )

    drive(chat, respond, lambda c: "peut maintenant suivre" in c.text(), max_turns=8)
    assert len(tried) >= 2, chat.dump()
    whole = "\n".join(m.get("text", "") for m in chat.transcript if m["from"] == "bot")
    assert "de Inès" not in whole and "d'Inès" in whole, chat.dump()
    people = records.as_conversation(chat.conversation_id, "GET", "/me/people")
    ines = next(p for p in people if p["first_name"] == "Inès")
    status, answer = records.call(
        "POST",
        f"/me/children/{ines['id']}/share",
        {"identifier": thomas},
        X_Conversation_Id=chat.conversation_id,
    )
    assert status == 409 and "already_shared" in str(answer), (status, answer)
    assert_nowhere(healthy_stack, chat, karim.secrets_typed)
