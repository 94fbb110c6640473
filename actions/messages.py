"""Messages from professionals (secure messaging): the latest ones, unread first."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import RecordsAction, conversation
from actions.formatting import format_iso
from actions.records_client import records

MAX_LISTED = 2  # with the intro and the way to answer: at most 4 bubbles


class ActionReadMessages(RecordsAction):
    def name(self) -> str:
        return "action_read_messages"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        messages = await records.get("/me/messages", conversation(tracker), limit=20)
        if not messages:
            dispatcher.utter_message(response="utter_no_messages")
            return []
        # The person's own answers are not news: only what professionals wrote, unread first,
        # newest first.
        messages = [m for m in messages if m.get("profession_label")] or messages
        messages = sorted(messages, key=lambda m: str(m.get("sent_at")), reverse=True)
        messages = sorted(messages, key=lambda m: bool(m.get("read")))[:MAX_LISTED]
        unread = sum(1 for m in messages if not m.get("read"))
        dispatcher.utter_message(
            response="utter_messages_intro_unread" if unread else "utter_messages_intro"
        )
        for message in messages:
            sender = message.get("from_name") or "Un professionnel"
            if message.get("profession_label"):
                sender = f"{sender}, {message['profession_label']},"
            dispatcher.utter_message(
                response="utter_message_item",
                sender=sender,
                date=format_iso(str(message.get("sent_at"))),
                body=message.get("body", ""),
            )
        dispatcher.utter_message(response="utter_messages_reply_info")
        return []
