"""The delivery worker: hands stored outbound batches to their channel, in order, once.

ChatService writes one outbound row per batch and wakes the worker at once; the worker also
polls, so batches written by another replica, or due again after a failure, go out too.
A batch is claimed with a lease (one worker per batch, taken over if that worker dies),
retried with exponential backoff on DeliveryError, and a conversation's next batch waits
until the previous one is delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

from bot.channels.base import DeliveryError, OutboundChannel
from bot.conversations import Conversation, ConversationStore, OutboundBatch, StoredMessage

log = logging.getLogger("bot.delivery")

Renderer = Callable[[StoredMessage, Conversation], dict[str, Any]]


class DeliveryWorker:
    def __init__(
        self,
        store: ConversationStore,
        render: Renderer,
        poll_seconds: float = 2.0,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 300.0,
        lease_seconds: float = 60.0,
    ) -> None:
        self._store = store
        self._render = render
        self._poll = poll_seconds
        self._retry = retry_seconds
        self._max_retry = max_retry_seconds
        self._lease = lease_seconds
        self._wake = asyncio.Event()
        # When a batch this worker failed is due again (so it does not wait for the poll).
        self._retry_at: float | None = None
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self.channels: dict[str, OutboundChannel] = {}

    def register(self, channel: OutboundChannel) -> None:
        self.channels[channel.name] = channel
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try of a batch that failed `attempts + 1` times."""
        return min(self._max_retry, self._retry * 2 ** min(attempts, 20))

    async def run_once(self) -> int:
        """Claim the due batches (one per conversation) and deliver them; returns how many."""
        batches = self._store.claim_outbound(list(self.channels), self.worker_id, self._lease)
        if batches:
            await asyncio.gather(*(self._deliver(batch) for batch in batches))
        return len(batches)

    async def _deliver(self, batch: OutboundBatch) -> None:
        channel = self.channels[batch.channel]
        conversation = self._store.get(batch.conversation_id)
        if conversation is None:  # nothing left to deliver to
            self._store.outbound_done(batch.id)
            return
        rendered = []
        for message_id in batch.message_ids:
            message = self._store.message(batch.conversation_id, message_id)
            if message is not None:
                rendered.append(self._render(message, conversation))
        try:
            # Within the lease, so no other worker takes the batch while it is being sent.
            await asyncio.wait_for(channel.deliver(conversation, rendered), self._lease * 0.8)
        except (DeliveryError, TimeoutError) as exc:
            delay = self.backoff(batch.attempts)
            log.warning(
                "%s delivery failed (%s), try %d again in %.0f s",
                batch.channel,
                type(exc).__name__,
                batch.attempts + 1,
                delay,
            )
            self._retry_later(batch, delay)
            return
        except Exception:  # a bug in a channel must not stop the other deliveries
            log.exception("%s delivery crashed", batch.channel)
            self._retry_later(batch, self.backoff(batch.attempts))
            return
        self._store.outbound_done(batch.id)

    def _retry_later(self, batch: OutboundBatch, delay: float) -> None:
        self._store.outbound_retry_later(batch.id, delay)
        now = time.monotonic()
        if self._retry_at is None or self._retry_at <= now or now + delay < self._retry_at:
            self._retry_at = now + delay

    def _pause(self) -> float:
        if self._retry_at is None:
            return self._poll
        pause = self._retry_at - time.monotonic()
        if pause <= 0:
            self._retry_at = None
            return 0.0
        return min(self._poll, pause)

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                claimed = await self.run_once()
            except Exception:  # the loop must outlive any single failure
                log.exception("delivery pass failed")
                claimed = 0
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._pause())
