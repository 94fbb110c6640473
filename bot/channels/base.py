"""What a non-web channel (Telegram, SMS...) plugs into the gateway to receive its messages.

ChatService stores one outbound batch per bot turn, agent message or pushed reminder of a
conversation whose channel is not "web"; the delivery worker hands each batch, in order, to
the registered channel of that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.conversations import Conversation


class DeliveryError(Exception):
    """The channel could not deliver now: the batch is retried later (with backoff)."""


class OutboundChannel(Protocol):
    name: str  # the conversation.channel value it serves: "telegram", "sms"

    async def deliver(self, conversation: Conversation, messages: list[dict[str, Any]]) -> None:
        """Send one batch (the messages produced together: one bot turn, one agent message,
        one reminder) to the person. `messages` are ChatService.render() dicts: from, text,
        buttons, pictogram, secret_input, audio_path, agent_name... Raise DeliveryError to retry."""
