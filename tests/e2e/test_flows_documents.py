"""Hiding a document and showing it again, with the help button in the middle and a wrong
answer, through the real stack. Camille's "Radio du poumon" is visible in the seed."""

from __future__ import annotations

from support.chat import Chat, Records, Reply, drive, first_matching, login
from support.stack import Stack

TITLE = "Radio du poumon"


def document(stack: Stack, chat: Chat) -> dict:
    documents = Records(stack).as_conversation(chat.conversation_id, "GET", "/me/documents")
    return next(d for d in documents if d["title"] == TITLE)


def test_hide_then_show_a_document(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "camille")
    assert document(healthy_stack, chat)["hidden"] is False
    chat.say("je veux cacher un document")
    assert "Quel document" in chat.text(), chat.dump()
    chat.say("aide")  # the help in the middle, then the same question goes on
    assert chat.text(), chat.dump()
    rules: list[tuple[str, Reply]] = [
        (r"Quel document|Choisissez un bouton", "la radio du poumon"),
        (r"C'est bien ça", ("button", r"^Oui$")),
    ]
    drive(chat, lambda c: first_matching(c, rules), lambda c: "J'ai caché" in c.text(), 5)
    assert document(healthy_stack, chat)["hidden"] is True

    chat.say("je veux remontrer un document caché")
    assert TITLE in " ".join(b["title"] for b in chat.buttons()), chat.dump()
    chat.choose(TITLE)
    assert "C'est bien ça" in chat.text(), chat.dump()
    chat.say("bof")  # neither yes nor no
    assert "oui" in chat.text().lower(), chat.dump()
    chat.say("oui")
    assert document(healthy_stack, chat)["hidden"] is False, chat.dump()


def test_adding_a_document_says_where_it_can_be_done(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "camille")
    chat.say("je veux ajouter un document")
    assert "je ne peux pas recevoir de fichier" in chat.text(), chat.dump()
    assert "monespacesante.fr" in chat.text(), chat.dump()
