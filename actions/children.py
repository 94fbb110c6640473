"""A child's health: which child (asked only when there are several), vaccinations done and
the next ones due; and choosing the child to share with the other parent."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import (
    FORM_SLOTS,
    CountingFormValidation,
    RecordsAction,
    clear_slots,
    conversation,
)
from actions.errors import answer_failure
from actions.formatting import PARIS, format_iso
from actions.people import children, load_people, match_person
from actions.records_client import RecordsError, RecordsUnavailable, records

MAX_LISTED = 4
IDENTIFIER = re.compile(r"^[a-z0-9]{8,100}$")


def next_dose_of_each_vaccine(due: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per vaccine, its first missing dose: three missing doses of the same vaccine
    are one thing to do, not three."""
    first: dict[str, dict[str, Any]] = {}
    for item in sorted(due, key=lambda v: str(v.get("due_date"))):
        first.setdefault(str(item.get("vaccine", "")), item)
    return list(first.values())


class ChildFormValidation(CountingFormValidation):
    form = ""

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("person_id"):
            return []
        try:
            kids = children(await load_people(tracker))
        except (RecordsError, RecordsUnavailable) as error:
            events = answer_failure(dispatcher, tracker, error)
            self.stop_form(tracker)
            return events
        if not kids:
            dispatcher.utter_message(response="utter_no_children")
            self.stop_form(tracker)
            return []
        named = tracker.get_slot("person")
        if len(kids) == 1 and not named:
            return [SlotSet("person", kids[0]["first_name"]), SlotSet("person_id", kids[0]["id"])]
        return []

    async def validate_person(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("person_id") and value == tracker.get_slot("person"):
            return {"person": value}
        try:
            kids = children(await load_people(tracker))
        except (RecordsError, RecordsUnavailable) as error:
            return self.failure(dispatcher, tracker, "person", error)
        child = match_person(str(value), kids)
        if child is None or child.get("id") is None:
            return self.reject(dispatcher, tracker, "person", "utter_invalid_child")
        return self.accept(tracker, "person", child["first_name"], person_id=child["id"])


class ValidateChildForm(ChildFormValidation):
    form = "child_form"

    def name(self) -> str:
        return "validate_child_form"


class ValidateShareChildForm(ChildFormValidation):
    form = "share_child_form"

    def name(self) -> str:
        return "validate_share_child_form"

    def validate_other_parent_identifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        identifier = re.sub(r"\s+", "", str(value)).lower()
        if not IDENTIFIER.match(identifier):
            return self.reject(
                dispatcher, tracker, "other_parent_identifier", "utter_invalid_login_identifier"
            )
        return self.accept(tracker, "other_parent_identifier", identifier)

    def validate_choice_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in (True, False):
            return self.accept(tracker, "choice_confirm", value)
        return self.reject(dispatcher, tracker, "choice_confirm", "utter_please_yes_or_no")


class ActionChildHealth(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_child_health"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["child_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        person_id = tracker.get_slot("person_id")
        if not person_id:
            return []  # the form stopped early and said why
        child = tracker.get_slot("person")
        record = await records.get("/me/vaccinations", conversation(tracker), person_id=person_id)
        done = record.get("done") or []
        due = record.get("due") or []
        if done:
            dispatcher.utter_message(response="utter_vaccines_done_intro", child=child)
            for item in sorted(done, key=lambda v: str(v.get("date")), reverse=True)[:MAX_LISTED]:
                dispatcher.utter_message(
                    response="utter_vaccine_done_item",
                    vaccine=item.get("vaccine", ""),
                    date=format_iso(str(item.get("date"))[:10]),
                )
        else:
            dispatcher.utter_message(response="utter_no_vaccines_done", child=child)
        if due:
            dispatcher.utter_message(response="utter_vaccines_due_intro", child=child)
            today = datetime.now(PARIS).date().isoformat()
            for item in next_dose_of_each_vaccine(due)[:MAX_LISTED]:
                due_date = str(item.get("due_date"))[:10]
                late = due_date < today
                response = "utter_vaccine_late_item" if late else "utter_vaccine_due_item"
                dispatcher.utter_message(
                    response=response + ("_obligatory" if item.get("obligatory") else ""),
                    vaccine=item.get("vaccine", ""),
                    date=format_iso(due_date),
                )
        else:
            dispatcher.utter_message(response="utter_no_vaccines_due", child=child)
        return []
