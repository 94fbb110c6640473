"""Events to the open server-sent event streams of a conversation (new messages, state).

`Broker` fans events out inside one process. `RedisBroker` (when REDIS_URL is set) publishes
them on Redis pub/sub, so a stream open on one gateway replica gets the events produced on
another. Pub/sub may drop an event (a Redis restart): the widget then reconnects with
Last-Event-ID and the stream replays the history from the database, which stays the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("bot.events")


class Broker:
    """In-process fan-out: one gateway replica serves every stream of its conversations."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    async def start(self) -> None:
        """Nothing to connect in-process."""

    async def close(self) -> None:
        """Nothing to disconnect in-process."""

    def subscribe(self, conversation_id: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        self._subscribers[conversation_id].add(queue)
        return queue

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        subscribers = self._subscribers.get(conversation_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[conversation_id]

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        self._fan_out(conversation_id, event)

    def _fan_out(self, conversation_id: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(conversation_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A stalled stream: the client will reconnect and replay from Last-Event-ID.
                self.unsubscribe(conversation_id, queue)


class RedisBroker(Broker):
    """Fan-out across replicas through Redis pub/sub.

    Every replica listens on one pattern (`<prefix>:events:*`) and hands each event to its
    own open streams; events of this replica come back the same way, so every stream sees
    one order. Publishing is queued and sent by one task, in the order it was produced.
    """

    def __init__(self, redis: Redis, prefix: str = "gateway") -> None:
        super().__init__()
        self._redis = redis
        self._channel_prefix = f"{prefix}:events:"
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen()),
            asyncio.create_task(self._send()),
        ]
        # Streams opened from now on get every event published from now on.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), 5)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        payload = json.dumps(event, ensure_ascii=False)
        self._outbox.put_nowait((self._channel_prefix + conversation_id, payload))

    async def _send(self) -> None:
        while True:
            channel, payload = await self._outbox.get()
            while True:
                try:
                    await self._redis.publish(channel, payload)
                    break
                except RedisError as exc:
                    log.warning("event not published (%s), trying again", type(exc).__name__)
                    await asyncio.sleep(0.5)

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(self._channel_prefix + "*")
                self._listening.set()
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    channel = message["channel"]
                    if isinstance(channel, bytes):
                        channel = channel.decode()
                    conversation_id = channel.removeprefix(self._channel_prefix)
                    if conversation_id in self._subscribers:
                        self._fan_out(conversation_id, json.loads(message["data"]))
            except RedisError as exc:
                log.warning("event stream from Redis lost (%s), reconnecting", type(exc).__name__)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(RedisError):
                    await pubsub.aclose()
