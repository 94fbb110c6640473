"""Two gateway replicas on one database and one Redis (the scale-out of SPEC §2).

Each replica is a ChatService with its own Redis connection, as two processes would have.
"""

from __future__ import annotations

import asyncio
import uuid

from gateway_fakes import RecordingChannel, eventually

from bot import messages


def _prefix() -> str:
    return f"gwtest-{uuid.uuid4().hex[:12]}"  # tests never see each other's keys


async def test_an_event_produced_on_one_replica_reaches_a_stream_on_the_other(
    replicas, redis_url
) -> None:
    prefix = _prefix()
    a = await replicas.scaled(redis_url, prefix)
    b = await replicas.scaled(redis_url, prefix)
    conversation = a.store.create()
    stream = b.chat.broker.subscribe(conversation.id)  # the widget's stream is on B
    await a.chat.push(conversation.id, "agent", "Bonjour, je m'appelle Nadia", "Nadia")
    event = await asyncio.wait_for(stream.get(), 3)
    assert event["event"] == "message"
    assert event["data"]["text"] == "Bonjour, je m'appelle Nadia"
    await a.chat.user_message(conversation.id, "bonjour")
    seen = []
    while len([e for e in seen if e["event"] == "message"]) < 2:
        seen.append(await asyncio.wait_for(stream.get(), 3))
    texts = [e["data"]["text"] for e in seen if e["event"] == "message"]
    assert texts == ["bonjour", "Bonjour !\nQue voulez-vous faire ?"]


async def test_two_messages_through_two_replicas_are_handled_in_order_once_each(
    replicas, redis_url, fakes
) -> None:
    prefix = _prefix()
    a = await replicas.scaled(redis_url, prefix)
    b = await replicas.scaled(redis_url, prefix)
    conversation = a.store.create()
    fakes.rasa.delay = 0.4  # both turns overlap unless the lock makes them take turns
    first, second = await asyncio.gather(
        a.chat.user_message(conversation.id, "un"),
        b.chat.user_message(conversation.id, "deux"),
    )
    fakes.rasa.delay = 0
    received = fakes.rasa.messages_for(conversation.id)
    assert sorted(received) == ["deux", "un"]  # each once
    # Each call answered its own message, and the history alternates question / answer.
    assert [m["text"] for m in first["messages"]] == ["Vous avez écrit : un"]
    assert [m["text"] for m in second["messages"]] == ["Vous avez écrit : deux"]
    history = [(m.sender, m.body["text"]) for m in a.store.messages(conversation.id)]
    order = received
    assert history == [
        ("user", order[0]),
        ("bot", f"Vous avez écrit : {order[0]}"),
        ("user", order[1]),
        ("bot", f"Vous avez écrit : {order[1]}"),
    ]
    assert a.store.pending(conversation.id) == []


async def test_a_queued_message_is_drained_once_by_two_replicas(replicas, redis_url, fakes) -> None:
    prefix = _prefix()
    a = await replicas.scaled(redis_url, prefix)
    b = await replicas.scaled(redis_url, prefix)
    conversation = a.store.create()
    fakes.rasa_server.stop()
    try:
        assert (await a.chat.user_message(conversation.id, "gardé"))["queued"] is True
    finally:
        fakes.rasa_server.start()
    fakes.rasa.delay = 0.3
    await asyncio.gather(a.chat.retry_pending(), b.chat.retry_pending(), a.chat.retry_pending())
    fakes.rasa.delay = 0
    await eventually(lambda: not a.store.pending(conversation.id))
    assert fakes.rasa.messages_for(conversation.id) == ["gardé"]
    texts = [m.body["text"] for m in a.store.messages(conversation.id)]
    assert texts.count("Vous avez écrit : gardé") == 1
    assert texts.count(messages.text("service_back")) == 1


async def test_outbound_batches_are_delivered_once_across_replicas_in_order(
    replicas, redis_url
) -> None:
    prefix = _prefix()
    a = await replicas.scaled(redis_url, prefix)
    b = await replicas.scaled(redis_url, prefix)
    sms_a, sms_b = RecordingChannel("sms"), RecordingChannel("sms")
    sms_b.batches = sms_a.batches  # one journal: the order the person received them
    a.chat.register_channel(sms_a)
    b.chat.register_channel(sms_b)
    people = [await a.store.find_or_create("sms", f"+3360000{n:04d}") for n in range(5)]
    for round_number in range(4):
        await asyncio.gather(
            *(
                (a if n % 2 else b).chat.push(person.id, "system", f"rappel {round_number}")
                for n, person in enumerate(people)
            )
        )
    await eventually(lambda: len(sms_a.batches) == 20)
    await asyncio.sleep(0.5)
    delivered = sms_a.batches
    assert len(delivered) == 20  # once each
    for person in people:
        # Whichever replica sent them, each person got their reminders in order.
        mine = [batch[0]["text"] for cid, batch in delivered if cid == person.id]
        assert mine == [f"rappel {n}" for n in range(4)]
    assert all(a.store.undelivered(person.id) == 0 for person in people)


async def test_a_batch_is_claimed_by_one_replica_until_its_lease_ends(replicas) -> None:
    store_a, store_b = replicas.open_store(), replicas.open_store()
    person = await store_a.find_or_create("sms", "+33600009999")
    other = await store_a.find_or_create("sms", "+33600009998")
    first = store_a.add_outbound(person.id, "sms", [1])
    store_a.add_outbound(person.id, "sms", [2])  # waits for the first
    third = store_a.add_outbound(other.id, "sms", [3])
    taken_by_a = store_a.claim_outbound(["sms"], "replica-a", lease_seconds=0.5)
    assert sorted(batch.id for batch in taken_by_a) == [first, third]
    assert store_b.claim_outbound(["sms"], "replica-b", lease_seconds=0.5) == []
    await asyncio.sleep(0.6)  # replica A died: its lease ends, B takes the batches over
    assert sorted(b.id for b in store_b.claim_outbound(["sms"], "replica-b", 30)) == [first, third]
