"""Recent documents, all or of one kind (prescriptions, results, X-rays…)."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import RecordsAction, conversation
from actions.formatting import DOCUMENT_CATEGORIES, format_iso
from actions.records_client import records

MAX_LISTED = 5
# "ajouter un document", "envoyer la photo de mon ordonnance": a file to add, not a list to see.
_ADD = re.compile(
    r"\b(ajout\w*|envoi\w*|envoy\w*|d[ée]pos\w*|mettre|t[ée]l[ée]vers\w*|scann\w*)\b",
    re.IGNORECASE,
)


def wants_to_add(text: str) -> bool:
    return bool(text) and not text.startswith("/") and bool(_ADD.search(text))


class ActionListDocuments(RecordsAction):
    def name(self) -> str:
        return "action_list_documents"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return [SlotSet("document_kind", None)]  # the next question starts without a filter

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if wants_to_add(str(tracker.latest_message.get("text") or "")):
            dispatcher.utter_message(response="utter_add_document_elsewhere")
            return []
        kind = tracker.get_slot("document_kind")
        category = DOCUMENT_CATEGORIES.get(kind or "")
        documents = await records.get(
            "/me/documents", conversation(tracker), category=category, limit=MAX_LISTED
        )
        if not documents:
            dispatcher.utter_message(response="utter_no_documents")
            return []
        if category:
            dispatcher.utter_message(
                response="utter_documents_intro_kind",
                kind=documents[0].get("category_label") or kind,
            )
        else:
            dispatcher.utter_message(response="utter_documents_intro")
        for document in documents[:MAX_LISTED]:
            dispatcher.utter_message(
                response="utter_document_item_hidden"
                if document.get("hidden")
                else "utter_document_item",
                title=document.get("title", ""),
                date=format_iso(str(document.get("added_at", ""))[:10]),
                author=document.get("author_name") or "vous",
            )
        dispatcher.utter_message(response="utter_documents_more")
        return []
