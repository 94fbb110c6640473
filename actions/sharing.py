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
from actions.formatting import format_iso, of_name
from actions.records_client import records

MAX_LISTED = 2  # lines said (with the intro and the offer: at most 4 bubbles)
LOG_READ = 50  # entries read to group the repeated ones
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
        # The emergency switches are in the emergency answer: here one offer to say more.
        dispatcher.utter_message(response="utter_sharing_choices")
        return []


def group_access(entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """Entries of the same person doing the same thing one after the other become one line
    with a count ("a lu votre dossier 3 fois"), newest first."""
    groups: list[tuple[dict[str, Any], int]] = []
    for entry in entries:
        key = _access_key(entry)
        if groups and _access_key(groups[-1][0]) == key:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((entry, 1))
    return groups


def _access_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry.get("actor_name"),
        entry.get("actor_role"),
        # What the person is told, not the raw code: a 3422 agent's several actions are one line.
        ACCESS_RESPONSES.get(str(entry.get("action")), "utter_access_item_other"),
        entry.get("allowed"),
        entry.get("document_title"),
    )


class ActionAccessHistory(RecordsAction):
    def name(self) -> str:
        return "action_access_history"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        entries = await records.get("/me/access-log", conversation(tracker), limit=LOG_READ)
        if not entries:
            dispatcher.utter_message(response="utter_no_access")
            return []
        groups = group_access(entries)
        dispatcher.utter_message(response="utter_access_intro")
        for entry, count in groups[:MAX_LISTED]:
            actor = entry.get("actor_name") or "Une personne"
            if entry.get("profession_label"):
                actor = f"{actor}, {entry['profession_label']},"
            response = ACCESS_RESPONSES.get(str(entry.get("action")), "utter_access_item_other")
            if entry.get("allowed") is False:
                response = "utter_access_item_refused"
            dispatcher.utter_message(
                response=response + ("_many" if count > 1 else ""),
                when=format_iso(str(entry.get("at"))),
                actor=actor,
                count=count,
                document=entry.get("document_title") or "un document",
            )
        if len(groups) > MAX_LISTED:
            dispatcher.utter_message(response="utter_access_more")
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
        child = str(tracker.get_slot("person"))
        dispatcher.utter_message(
            response="utter_child_shared", child=child, of_child=of_name(child)
        )
        return []
