"""Emergency settings, adding health information, reading messages, who read the record and
closing the account, typed as people type, through the real stack (each with a detour)."""

from __future__ import annotations

import re

from support.chat import Chat, Records, Reply, drive, first_matching, login
from support.leaks import assert_nowhere
from support.stack import Stack, http_json

LAURENT_KEY = "pro_demo_laurent_medecin_traitant_4f9a2c"  # demo key (docs/demo-identities.md)


def as_me(stack: Stack, chat: Chat, path: str):  # noqa: ANN201
    return Records(stack).as_conversation(chat.conversation_id, "GET", path)


def test_emergency_settings_stop_then_change_the_samu_access(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    before = as_me(healthy_stack, chat, "/me/emergency-settings")
    chat.say("qu'est ce que voit le samu")
    chat.choose(r"réglages d'urgence")
    chat.choose(r"médecin du 15")
    assert "C'est bien ça" in chat.text(), chat.dump()
    chat.say("stop")  # the person changes their mind: nothing changes
    assert as_me(healthy_stack, chat, "/me/emergency-settings") == before
    chat.say("je veux changer les réglages d'urgence")
    rules: list[tuple[str, Reply]] = [
        (r"Quel réglage", ("button", r"médecin du 15")),
        (r"C'est bien ça", "oui"),
    ]
    drive(chat, lambda c: first_matching(c, rules), lambda c: "j'ai changé" in c.text(), 5)
    after = as_me(healthy_stack, chat, "/me/emergency-settings")
    assert after["samu_access"] is not before["samu_access"], (before, after)
    assert after["emergency_access"] is before["emergency_access"], (before, after)


def test_add_an_allergy_after_a_wrong_answer(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    chat.say("je voudrais rajouter une info sur ma santé")
    assert "Que voulez-vous ajouter" in chat.text(), chat.dump()
    chat.say("euh jsp")  # not one of the buttons
    rules: list[tuple[str, Reply]] = [
        (r"Que voulez-vous ajouter|Choisissez un bouton", ("button", r"allergie")),
        (r"nom de votre allergie", "allergie aux chats"),
    ]
    drive(chat, lambda c: first_matching(c, rules), lambda c: "J'ai ajouté" in c.text(), 5)
    summary = as_me(healthy_stack, chat, "/me/emergency-summary")
    assert any("chat" in str(a).lower() for a in summary["allergies"]), summary


def test_read_messages_says_who_wrote_and_their_profession(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "camille")
    chat.say("jai des mesages ?")
    text = chat.text()
    assert "Sophie Laurent" in text, chat.dump()
    assert re.search(r"Sophie Laurent, médecin", text), chat.dump()
    assert len(chat.last) <= 4, chat.dump()


def test_who_read_my_record_groups_the_same_reader(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "karim")
    people = as_me(healthy_stack, chat, "/me/people")
    me = next(p for p in people if p["relation"] == "self")
    base = Records(healthy_stack).base
    for _ in range(3):
        status, _body = http_json(
            "GET",
            f"{base}/patients/{me['id']}/profile",
            headers={"Authorization": f"Bearer {LAURENT_KEY}"},
        )
        assert status == 200, status
    chat.say("qui a regardé mon dossier ?")
    # The newest line first: the three reads of the same minute are one line.
    first = chat.last[1]["text"] if len(chat.last) > 1 else ""
    assert "Sophie Laurent" in first and "3 fois" in first, chat.dump()
    assert first.count("Sophie Laurent") == 1, chat.dump()
    assert len(chat.last) <= 4, chat.dump()


def test_close_the_account_after_saying_no_once(healthy_stack: Stack) -> None:
    chat, thomas = login(healthy_stack, "thomas")
    chat.say("je veux fermer mon compte")
    assert "vraiment" in chat.text(), chat.dump()
    chat.say("non")
    assert "reste ouvert" in chat.text(), chat.dump()  # nothing closed, said so
    assert as_me(healthy_stack, chat, "/me/people")
    chat.say("en fait si je veux supprimer mon espace santé")
    rules: list[tuple[str, Reply]] = [
        (r"vraiment", ("button", r"^Oui")),
        (r"effacer|supprimer|données", ("button", r"^Non")),
    ]
    drive(chat, lambda c: first_matching(c, rules), lambda c: "fermé" in c.text(), 5)
    status, _ = Records(healthy_stack).call(
        "GET", "/me/people", X_Conversation_Id=chat.conversation_id
    )
    assert status in (401, 403), status
    # The password and codes of the login are in no store, history or log afterwards.
    assert_nowhere(healthy_stack, chat, thomas.secrets_typed)
