"""Logging out through the assistant ends the session; idle conversations and their histories
expire; the gateway's memory does not grow with every conversation ever seen."""

from __future__ import annotations

import time

from bot.conversations import ConversationStore
from bot.crypto import DataKey


def login(rig) -> str:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")
    rig.say(cid, "Secret!234")
    rig.say(cid, "111111")
    assert ("/assistant/links", {"conversation_id": cid}, "Bearer tok-login") in rig.records.calls
    return cid


def chat_service(rig):
    return rig.gateway.app.state.chat


def test_logout_payload_revokes_the_session_and_forgets_it(rig) -> None:
    cid = login(rig)
    service = chat_service(rig)
    assert service.secrets.session_token(cid) == "tok-login"
    assert service.store.get(cid).linked_until
    rig.records.calls.clear()
    out = rig.say(cid, "je me déconnecte")
    assert out["messages"][0]["text"] == "Vous êtes déconnecté."
    assert rig.records.calls == [("/auth/logout", {}, "Bearer tok-login")]
    assert service.secrets.session_token(cid) is None
    assert service.store.get(cid).linked_until is None
    # Nothing left to revoke the second time.
    rig.records.calls.clear()
    rig.say(cid, "déconnexion")
    assert rig.records.calls == []


def test_logout_is_kept_when_records_is_down(rig) -> None:
    cid = login(rig)
    rig.records.failing = True
    rig.say(cid, "je me déconnecte")
    rig.records.failing = False
    # The token is forgotten anyway: records ends the session at its expiry.
    assert chat_service(rig).secrets.session_token(cid) is None


def test_no_lock_is_kept_per_conversation(rig) -> None:
    for _ in range(20):
        rig.say(rig.new_conversation(), "bonjour")
    assert len(chat_service(rig).locks) == 0


def test_idle_conversations_and_their_histories_are_purged(tmp_path) -> None:
    store = ConversationStore.open(
        f"sqlite:///{tmp_path / 'gateway.db'}", DataKey.load(None, tmp_path)
    )
    old = store.create()
    store.add_message(old.id, "user", {"text": "bonjour"})
    store.enqueue(old.id, "bonjour")
    recent = store.create()
    store.add_message(recent.id, "user", {"text": "bonjour"})
    cutoff = time.time() + 1  # everything so far is older than this
    time.sleep(1.2)
    store.add_message(recent.id, "user", {"text": "encore là"})
    assert store.purge_idle(idle_before=cutoff) == [old.id]
    assert store.get(old.id) is None
    assert store.messages(old.id) == [] and store.pending(old.id) == []
    assert store.get(recent.id) is not None and store.messages(recent.id)
    store.close()


def test_the_purge_forgets_session_tokens(rig) -> None:
    cid = login(rig)
    service = chat_service(rig)
    assert service.purge_idle(idle_seconds=-10) >= 1  # every conversation is idle now
    assert service.store.get(cid) is None
    assert service.secrets.session_token(cid) is None
