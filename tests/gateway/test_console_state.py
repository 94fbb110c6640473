"""The helpline (3422) state kept with the conversation: the short code, one agent at a time,
the lookup limits, and the console API's refusals that need no records answer.

The whole console against the real records, Rasa and browser: tests/e2e/test_console_api.py and
tests/browser/test_console_page.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from bot import messages
from bot.chat import ChatService, HandoffTaken
from bot.console.agents import COOKIE_NAME, ConsoleCookie
from bot.conversations import ConversationStore
from bot.crypto import DataKey
from bot.events import Broker
from bot.rasa_client import RasaClient
from bot.secrets import SecretRouter

KEY = DataKey(b"\x07" * 32)


@pytest.fixture
def store(tmp_path) -> ConversationStore:
    store = ConversationStore.open(f"sqlite:///{tmp_path / 'gateway.db'}", KEY)
    yield store
    store.close()


def test_each_live_code_is_unique_and_expires(store: ConversationStore) -> None:
    codes = set()
    for _ in range(200):
        conversation = store.create()
        ticket = store.open_helpline(conversation.id, code_seconds=60)
        assert re.fullmatch(r"\d{4}", ticket.short_code or "")
        codes.add(ticket.short_code)
        assert store.helpline_by_code(ticket.short_code or "") == ticket
    assert len(codes) == 200
    expired = store.create()
    ticket = store.open_helpline(expired.id, code_seconds=-1)
    assert store.helpline_by_code(ticket.short_code or "") is None
    assert store.helpline_by_ticket(ticket.ticket) is not None  # still in the queue


def test_the_queue_is_oldest_first_with_the_last_user_text(store: ConversationStore) -> None:
    first, second = store.create(), store.create(channel="sms")
    for conversation, text in ((first, "je veux un humain"), (second, "aidez-moi")):
        store.add_message(conversation.id, "user", {"text": text})
        store.add_message(conversation.id, "bot", {"text": "Une personne va vous répondre."})
        store.set_handoff(conversation.id, "requested")
        store.open_helpline(conversation.id, 60)
        time.sleep(0.01)
    queue = store.helpline_queue()
    assert [(t.conversation_id, channel, last) for t, channel, last in queue] == [
        (first.id, "web", "je veux un humain"),
        (second.id, "sms", "aidez-moi"),
    ]
    store.set_handoff(first.id, "none")
    assert [t.conversation_id for t, _, _ in store.helpline_queue()] == [second.id]


def test_only_one_agent_can_claim_a_conversation(store: ConversationStore) -> None:
    conversation = store.create()
    store.open_helpline(conversation.id, 60)
    assert store.claim_helpline(conversation.id, "agent-a", "Nadia")
    assert not store.claim_helpline(conversation.id, "agent-b", "Paul")
    assert store.claim_helpline(conversation.id, "agent-a", "Nadia")  # taking it again is fine
    assert store.helpline(conversation.id).agent_name == "Nadia"


def test_wrong_lookups_are_counted_per_agent(store: ConversationStore) -> None:
    since = time.time() - 1
    for _ in range(3):
        store.add_code_lookup("agent-a", found=False)
    store.add_code_lookup("agent-a", found=True)
    store.add_code_lookup("agent-b", found=False)
    assert store.count_code_lookups("agent-a", since, found=False) == 3
    assert store.count_code_lookups("agent-b", since, found=False) == 1
    assert store.count_code_lookups("agent-a", time.time() + 1, found=False) == 0


def test_the_code_survives_a_gateway_restart(tmp_path) -> None:
    store = ConversationStore.open(f"sqlite:///{tmp_path / 'gateway.db'}", KEY)
    conversation = store.create()
    ticket = store.open_helpline(conversation.id, 60)
    store.claim_helpline(conversation.id, "agent-a", "Nadia")
    store.close()
    again = ConversationStore.open(f"sqlite:///{tmp_path / 'gateway.db'}", KEY)
    try:
        found = again.helpline_by_code(ticket.short_code or "")
        assert found is not None and found.agent_id == "agent-a"
    finally:
        again.close()


def test_second_agent_is_refused_and_only_the_holder_hands_back(store) -> None:
    conversation = store.create()
    store.set_handoff(conversation.id, "requested")
    store.open_helpline(conversation.id, 60)

    async def scenario() -> None:
        service = ChatService(
            store,
            Broker(),
            RasaClient("http://127.0.0.1:9", 0.5),
            SecretRouter("http://127.0.0.1:9", "token", 0.5, tokens=store),
            "http://127.0.0.1:9/webhook",
            1.0,
        )
        try:
            await service.set_handoff(conversation.id, True, agent_id="a", agent_name="Nadia")
            with pytest.raises(HandoffTaken):
                await service.set_handoff(conversation.id, True, agent_id="b", agent_name="Paul")
            with pytest.raises(HandoffTaken):
                await service.set_handoff(conversation.id, False, agent_id="b")
            await service.set_handoff(conversation.id, False, agent_id="a")
        finally:
            await service.close()

    asyncio.run(scenario())
    texts = [m.body["text"] for m in store.messages(conversation.id)]
    assert texts == [
        "Nadia, une personne du 3422, vous répond maintenant.",
        messages.text("agent_left"),
    ]
    assert store.get(conversation.id).handoff == "none"
    assert store.helpline(conversation.id) is None  # the code is gone with the call


def test_console_api_refuses_a_browser_without_an_agent_cookie(rig) -> None:
    for method, path in (
        ("GET", "/api/console/session"),
        ("GET", "/api/console/queue"),
        ("POST", "/api/console/lookup"),
        ("GET", "/api/console/tickets/x"),
        ("PUT", "/api/console/tickets/x/agent"),
    ):
        body = {"code": "1234"} if path.endswith("lookup") else None
        response = rig.client.request(method, path, json=body)
        assert response.status_code == 401, (path, response.text)
        assert response.json()["error"]["code"] == "agent_unauthenticated"


def test_console_api_refuses_a_forged_or_stale_cookie(rig) -> None:
    genuine = ConsoleCookie(rig.settings.gateway_internal_token, 900)
    forged = ConsoleCookie("another key", 900).make("some-token")
    stale = genuine.make("some-token", now=time.time() - 901)
    for value in (forged, stale, "garbage", genuine.make("some-token") + "x"):
        rig.client.cookies.set(COOKIE_NAME, value)
        try:
            response = rig.client.get("/api/console/queue")
        finally:
            rig.client.cookies.clear()
        assert response.status_code == 401
    # Nothing reached records: the cookie was refused before any call.
    assert not [c for c in rig.records.calls if c[0] == "/me"]


def test_console_cookie_checks(tmp_path) -> None:
    cookie = ConsoleCookie("key", idle_seconds=60)
    value = cookie.make("tok.en", now=1000)
    assert cookie.token(value, now=1059) == "tok.en"
    assert cookie.token(value, now=1061) is None
    assert cookie.token(value.replace("1000", "2000", 1), now=1059) is None


def test_a_code_the_agent_asks_for_goes_to_records_never_to_rasa_nor_the_agent(
    store: ConversationStore, fakes
) -> None:
    conversation = store.create()
    cid = conversation.id
    store.set_handoff(cid, "requested")
    store.open_helpline(cid, 60)
    said: dict[str, list[str]] = {}

    async def scenario() -> None:
        service = ChatService(
            store,
            Broker(),
            RasaClient(fakes.rasa_server.url, 2.0),
            SecretRouter(fakes.records_server.url, "token", 2.0, tokens=store),
            fakes.rasa_server.url + "/webhook",
            1.0,
        )
        try:
            with pytest.raises(HandoffTaken):  # only while an agent has the conversation
                await service.agent_asks_secret(
                    cid, {"purpose": "activation_code", "activation_id": "act-1"}
                )
            await service.set_handoff(cid, True, agent_id="a", agent_name="Nadia")
            await service.agent_asks_secret(
                cid, {"purpose": "activation_code", "activation_id": "act-1"}
            )
            assert service.state(store.get(cid))["secret_input"] == {
                "purpose": "activation_code",
                "kind": "code",
            }
            for text in ("654321", "je cherche le SMS", "mon code est 123 456"):
                out = await service.user_message(cid, text)
                said[text] = [m["text"] for m in out["messages"]]
            await service.set_handoff(cid, False, agent_id="a")
            out = await service.user_message(cid, "123456")  # the question ended with the agent
            said["after"] = [m["text"] for m in out["messages"]]
        finally:
            await service.close()

    asyncio.run(scenario())
    assert said == {
        "654321": [messages.text("agent_secret_failed_code")],
        "je cherche le SMS": [],
        "mon code est 123 456": [messages.text("agent_secret_ok_code")],
        "after": [messages.text("secret_not_sent_code")],
    }
    verified = [body for path, body, _ in fakes.records.calls if path.endswith("/code/verify")]
    assert verified == [{"code": "654321"}, {"code": "123456"}]
    assert fakes.rasa.messages_for(cid) == []  # paused, and no secret outcome either
    users = [m.body for m in store.messages(cid) if m.sender == "user"]
    assert [(u["text"], u.get("masked")) for u in users] == [
        (messages.text("secret_sent_code"), True),
        ("je cherche le SMS", None),
        (messages.text("secret_sent_code"), True),
        (messages.text("secret_held_code"), True),
    ]
    stored = json.dumps([m.body for m in store.messages(cid)])
    assert "654321" not in stored and "123456" not in stored and "123 456" not in stored
