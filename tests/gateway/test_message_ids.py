"""Every message gets an answer, and every attempt at one user message carries the same id
(Rasa's message metadata), which the actions turn into records' Idempotency-Key."""

from __future__ import annotations

import time

from bot import messages


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_a_message_of_only_control_characters_gets_an_answer(rig) -> None:
    cid = rig.new_conversation()
    for text in ("\x00", "\x00\x01\x1f", "\u200b\x00\u2028"):
        out = rig.say(cid, text)
        assert [m["text"] for m in out["messages"]] == [messages.text("nothing_to_read")], text
        assert out["messages"][0]["from"] == "system"
    assert rig.rasa.messages_for(cid) == []  # nothing to read: nothing sent to Rasa


def test_each_message_carries_its_own_id(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    rig.say(cid, "stop")
    ids = [m["message_id"] for m in rig.rasa.metadata if m]
    assert len(ids) == 2 and ids[0] != ids[1], rig.rasa.metadata


def test_a_message_sent_again_keeps_its_id(rig) -> None:
    cid = rig.new_conversation()
    rig.rasa.actions_up = False
    out = rig.say(cid, "silence")  # Rasa answers nothing: the gateway will send it again
    assert out["queued"] is True
    rig.rasa.actions_up = True
    wait_for(lambda: not rig.client.get(f"/api/conversations/{cid}").json()["waiting"])
    assert rig.rasa.messages_for(cid) == ["silence", "silence"]
    first, again = rig.rasa.metadata[-2:]
    assert first and again and first["message_id"] == again["message_id"]
