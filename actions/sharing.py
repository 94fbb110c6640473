"""Who sees what: the sharing summary, the access history, sharing a child with the other
parent. Blocking, allowing, hiding and showing are choices (actions/choices.py)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import FORM_SLOTS, RecordsAction, clear_slots, conversation
from actions.formatting import format_iso
from actions.records_client import records

MAX_LISTED = 5
IDENTIFIER = re.compile(r"^[a-z0-9]{8,100}$")

# access-log action codes → response (records' `action` field)
ACCESS_RESPONSES = {
    "read_document": "utter_access_item_read",
    "read_profile": "utter_access_item_read",
    "read_record": "utter_access_item_read",
    "add_document": "utter_access_item_add",
    "add_entry": "utter_access_item_add",
    "add_vaccination": "utter_access_item_add",
    "change_document": "utter_access_item_change",
    "emergency": "utter_access_item_emergency",
}


def yes_no(value: Any) -> str:
    return "oui" if value else "non"


class ActionSharingSummary(RecordsAction):
    """Who can see the record now, and the emergency switches."""

    def name(self) -> str:
        return "action_sharing_summary"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        summary = await records.get("/me/sharing-summary", conversation(tracker))
        dispatcher.utter_message(
            response="utter_sharing_summary",
            authorised=summary.get("professionals_authorised", 0),
            blocked=summary.get("professionals_blocked", 0),
            hidden=summary.get("hidden_documents", 0),
        )
        settings = await records.get("/me/emergency-settings", conversation(tracker))
        dispatcher.utter_message(
            response="utter_emergency_switches",
            emergency=yes_no(settings.get("emergency_access")),
            samu=yes_no(settings.get("samu_access")),
            hidden=yes_no(settings.get("emergency_hidden_documents")),
        )
        dispatcher.utter_message(response="utter_sharing_choices")
        return []


class ActionAccessHistory(RecordsAction):
    def name(self) -> str:
        return "action_access_history"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        entries = await records.get("/me/access-log", conversation(tracker), limit=MAX_LISTED)
        if not entries:
            dispatcher.utter_message(response="utter_no_access")
            return []
        dispatcher.utter_message(response="utter_access_intro")
        for entry in entries[:MAX_LISTED]:
            actor = entry.get("actor_name") or "Une personne"
            if entry.get("profession_label"):
                actor = f"{actor}, {entry['profession_label']},"
            response = ACCESS_RESPONSES.get(str(entry.get("action")), "utter_access_item_other")
            if entry.get("allowed") is False:
                response = "utter_access_item_refused"
            dispatcher.utter_message(
                response=response,
                when=format_iso(str(entry.get("at"))),
                actor=actor,
                document=entry.get("document_title") or "un document",
            )
        return []


class ActionShareChild(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_share_child"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["share_child_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        confirmed = tracker.get_slot("choice_confirm")
        if confirmed is False:
            dispatcher.utter_message(response="utter_nothing_changed")
        if confirmed is not True or not tracker.get_slot("person_id"):
            return []
        await records.post(
            f"/me/children/{tracker.get_slot('person_id')}/share",
            conversation(tracker),
            {"identifier": tracker.get_slot("other_parent_identifier")},
        )
        dispatcher.utter_message(response="utter_child_shared", child=tracker.get_slot("person"))
        return []
