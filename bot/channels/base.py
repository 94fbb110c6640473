"""The hook a non-web channel plugs into: the gateway delivers bot turns through it."""

from __future__ import annotations

from typing import Any, Protocol

from bot.conversations import Conversation


class DeliveryError(Exception):
    """The channel could not deliver now: the batch is retried later (with backoff)."""


class OutboundChannel(Protocol):
    name: str  # the conversation.channel value it serves: "telegram", "sms"

    async def deliver(self, conversation: Conversation, messages: list[dict[str, Any]]) -> None:
        """Send one batch (one bot turn, one agent message, one reminder) to the person."""
        ...
