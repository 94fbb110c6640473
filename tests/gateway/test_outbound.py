"""Outbound delivery to non-web channels (bot/channels/base.py, bot/delivery.py).

A recording channel stands for Telegram or SMS: it keeps every batch it was given, and can
fail like a provider that is unreachable.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from gateway_fakes import RecordingChannel, eventually

from bot import messages
from bot.crypto import DataKeyError


async def test_find_or_create_gives_one_conversation_per_external_id(replicas, tmp_path) -> None:
    from conftest import stored_text

    replica = replicas()
    store = replica.store
    first = await store.find_or_create("telegram", "987654321")
    again = await store.find_or_create("telegram", "987654321")
    other = await store.find_or_create("sms", "987654321")
    assert first.id == again.id
    assert other.id != first.id
    assert (first.channel, other.channel) == ("telegram", "sms")
    assert store.external_id(first) == "987654321"
    # Personal data: the chat id is nowhere in clear in the database.
    assert "987654321" not in stored_text(replicas.url)
    for path in tmp_path.glob("gateway.db*"):
        assert b"987654321" not in path.read_bytes(), path.name
    web = store.create(channel="web")
    with pytest.raises(LookupError):
        store.external_id(web)
    with pytest.raises(ValueError):
        await store.find_or_create("web", "x")


async def test_a_bot_turn_is_delivered_as_one_batch_at_once(replicas) -> None:
    replica = replicas()
    conversation = await replica.store.find_or_create("telegram", "1001")
    started = time.monotonic()
    result = await replica.chat.user_message(conversation.id, "bonjour")
    await eventually(lambda: replica.channel.batches)
    # The worker polls every 30 s here: it was woken by the turn itself.
    assert time.monotonic() - started < 2.0
    [(cid, batch)] = replica.channel.batches
    assert cid == conversation.id
    assert [m["text"] for m in batch] == ["Bonjour !\nQue voulez-vous faire ?"]
    button = {"title": "Noter un rendez-vous", "payload": "/book_appointment"}
    assert batch[0]["buttons"][0] == button
    assert batch[0]["pictogram"] == "help"
    assert batch[0]["from"] == "bot"
    assert batch == result["messages"]  # the same rendering as the web API
    await eventually(lambda: replica.store.undelivered(conversation.id) == 0)


async def test_web_conversations_are_not_delivered_to_channels(replicas) -> None:
    replica = replicas()
    web = replica.store.create(channel="web")
    await replica.chat.user_message(web.id, "bonjour")
    await asyncio.sleep(0.3)
    assert replica.channel.batches == []
    assert replica.store.undelivered(web.id) == 0


async def test_answers_after_a_rasa_outage_reach_the_channel_in_order(replicas, fakes) -> None:
    replica = replicas()
    conversation = await replica.store.find_or_create("telegram", "1002")
    fakes.rasa_server.stop()
    try:
        first = await replica.chat.user_message(conversation.id, "premier")
        assert first["queued"] is True
        await replica.chat.user_message(conversation.id, "deuxième")
    finally:
        fakes.rasa_server.start()
    await eventually(lambda: len(replica.channel.batches) == 2)
    assert replica.channel.texts() == [
        [messages.text("service_down")],
        [messages.text("service_down_again")],
    ]
    # The retry queue answers once Rasa is back: one more batch, in order.
    assert await replica.chat.retry_pending() > 0
    await eventually(lambda: len(replica.channel.batches) == 3)
    assert replica.channel.texts()[2] == [
        messages.text("service_back"),
        "Vous avez écrit : premier",
        "Vous avez écrit : deuxième",
    ]
    assert fakes.rasa.messages_for(conversation.id) == ["premier", "deuxième"]


async def test_a_delivery_error_is_retried_and_delivered_once_in_order(replicas) -> None:
    replica = replicas()
    replica.channel.failures = 2
    conversation = await replica.store.find_or_create("sms", "+33600000001")
    replica.channel.name = "sms"
    replica.chat.register_channel(replica.channel)
    await replica.chat.user_message(conversation.id, "un")
    await replica.chat.user_message(conversation.id, "deux")
    await eventually(lambda: len(replica.channel.batches) == 2)
    # Two failures of the first batch (backoff 0.2 s then 0.4 s), and the second batch waited.
    assert replica.channel.texts() == [["Vous avez écrit : un"], ["Vous avez écrit : deux"]]
    assert replica.channel.tries == 4
    await asyncio.sleep(0.5)
    assert len(replica.channel.batches) == 2  # delivered once
    await eventually(lambda: replica.store.undelivered(conversation.id) == 0)


async def test_agent_messages_and_handoff_notices_reach_the_channel(replicas) -> None:
    replica = replicas()
    conversation = await replica.store.find_or_create("telegram", "1003")
    await replica.chat.set_handoff(conversation.id, True)
    await replica.chat.push(conversation.id, "agent", "Bonjour, je m'appelle Nadia", "Nadia")
    await eventually(lambda: len(replica.channel.batches) == 2)
    assert replica.channel.texts() == [
        [messages.text("agent_joined")],
        ["Bonjour, je m'appelle Nadia"],
    ]
    agent_message = replica.channel.batches[1][1][0]
    assert (agent_message["from"], agent_message["agent_name"]) == ("agent", "Nadia")
    # While the agent is there, what the person writes is not sent back to them.
    await replica.chat.user_message(conversation.id, "merci")
    await asyncio.sleep(0.3)
    assert len(replica.channel.batches) == 2


async def test_batches_wait_for_their_channel_to_be_registered(replicas) -> None:
    replica = replicas()
    conversation = await replica.store.find_or_create("sms", "+33600000002")
    await replica.chat.user_message(conversation.id, "bonjour")
    await asyncio.sleep(0.3)
    assert replica.store.undelivered(conversation.id) == 1  # no "sms" channel yet
    sms = RecordingChannel("sms")
    replica.chat.register_channel(sms)  # e.g. the gateway restarted with the SMS provider set
    await eventually(lambda: sms.batches)
    assert sms.texts() == [["Bonjour !\nQue voulez-vous faire ?"]]


async def test_external_ids_cannot_be_read_with_another_key(replicas) -> None:
    from bot.crypto import DataKey

    replica = replicas()
    conversation = await replica.store.find_or_create("telegram", "1004")
    other = replicas.open_store(DataKey(b"\x01" * 32))
    with pytest.raises(DataKeyError):
        other.external_id(conversation)


def test_the_app_starts_the_worker_and_an_agent_push_reaches_the_channel(fakes, tmp_path) -> None:
    import httpx
    from gateway_fakes import ServerThread, free_port

    from bot.main import create_app
    from bot.settings import Settings

    channel = RecordingChannel("telegram")
    from conftest import database_url

    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        gateway_database_url=database_url(tmp_path),
        rasa_url=fakes.rasa_server.url,
        records_url=fakes.records_server.url,
        actions_url=fakes.rasa_server.url + "/webhook",
        outbound_poll_seconds=30.0,
    )
    app = create_app(settings, channels=[channel])
    server = ServerThread(app, free_port(18260, 18280))
    server.start()
    try:
        conversation = asyncio.run(app.state.chat.store.find_or_create("telegram", "1005"))
        response = httpx.post(
            f"{server.url}/internal/conversations/{conversation.id}/messages",
            json={"text": "Votre rendez-vous est demain.", "from": "system"},
            headers={"Authorization": f"Bearer {settings.gateway_internal_token}"},
        )
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + 3
        while not channel.batches and time.monotonic() < deadline:
            time.sleep(0.05)
        assert channel.texts() == [["Votre rendez-vous est demain."]]
    finally:
        server.stop()
