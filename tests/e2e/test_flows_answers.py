"""Answers a person can take in (short, the answer first, words that fit the person) and
context kept across turns, through the real stack."""

from __future__ import annotations

from support.chat import Chat, login
from support.stack import Stack


def test_the_answer_comes_first_and_short(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    chat.say("ma mutuelle peut voir mes analyses ?")
    # The answer first: "jamais" is in the first bubble, not the second.
    first = chat.last[0]["text"]
    assert "mutuelle" in first and "jamais" in first, chat.dump()
    assert len(chat.last) <= 4, chat.dump()


def test_logged_in_words_fit_everyone(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    said = "\n".join(m.get("text", "") for m in chat.transcript if m["from"] == "bot")
    assert "Vous êtes connecté." not in said, chat.dump()


def test_how_to_call_the_3422_gives_the_number(healthy_stack: Stack) -> None:
    chat = Chat.open(healthy_stack)
    chat.say("comment on appelle le 3422")
    text = chat.text()
    assert "3422" in text, chat.dump()
    assert "Je vous mets en lien" not in text, chat.dump()
    assert not any(m.get("handoff") for m in chat.last), chat.dump()
