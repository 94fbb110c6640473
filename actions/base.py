"""Shared building blocks: actions that call records for the conversation, and form
validation that counts failures and offers help or a human after two in a row."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.errors import LOGIN_CODES, answer_failure
from actions.records_client import RecordsError, RecordsUnavailable

logger = logging.getLogger(__name__)

FAILURES_SLOT = "form_failures"
MAX_FAILURES = 2

# Slots of each form, cleared when the form ends or stops so the next run starts afresh.
FORM_SLOTS: dict[str, list[str]] = {
    "activation_form": ["activation_mode", "helper_name", "birth_date", "vitale_serial"],
    "activation_details_form": [
        "contacts_ok", "new_phone", "new_email", "terms_accepted", "identifier_confirm",
    ],
    "login_form": ["identifier", "channel"],
    "appointment_form": [
        "person", "person_id", "professional", "appointment_time", "appointment_place",
        "reminder", "appointment_confirm",
    ],
    "cancel_appointment_form": ["choice", "choice_confirm", "choice_items"],
    "hide_document_form": ["choice", "choice_confirm", "choice_items", "document_kind"],
    "show_document_form": ["choice", "choice_confirm", "choice_items", "document_kind"],
    "block_form": ["choice", "choice_confirm", "choice_items", "professional"],
    "allow_form": ["choice", "choice_confirm", "choice_items", "professional"],
    "emergency_settings_form": ["choice", "choice_confirm", "choice_items"],
    "child_form": ["person", "person_id", "vaccines_more"],
    "share_child_form": ["person", "person_id", "other_parent_identifier", "choice_confirm"],
    "health_info_form": ["health_kind", "health_label"],
    "emergency_contact_form": ["contact_name", "contact_phone", "contact_relation"],
    "close_account_form": ["close_confirm", "delete_data"],
}  # fmt: skip

# Slots of the whole activation, cleared when it ends or stops.
ACTIVATION_SLOTS = [
    "activation_mode", "helper_name", "birth_date", "vitale_serial", "channel", "activation_id",
    "activation_step", "contact_sms", "contact_email", "contacts_ok", "new_phone",
    "new_email", "terms_accepted", "identifier", "identifier_confirm",
]  # fmt: skip


# The action or form the person asked for while logged out: answered once the login ends.
PENDING_SLOT = "pending_request"


def clear_slots(names: list[str]) -> list[EventType]:
    return [SlotSet(name, None) for name in names]


def conversation(tracker: Tracker) -> str:
    """The conversation id records checks the link with (SPEC §3.5)."""
    return tracker.sender_id


class RecordsAction(Action, ABC):
    """An action that reads or changes the logged-in user's record through records.

    Subclasses implement `act`; records errors and outages become easy-to-read answers here,
    in one place.
    """

    needs_login = True
    # Actions that run after a form stay silent when logged out: the form already said so.
    after_form = False

    @abstractmethod
    def name(self) -> str:
        """Every concrete action names itself; the action server skips abstract ones."""

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raise NotImplementedError

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        """Events to apply whatever happened (e.g. clear the form's slots)."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        cleanup = await self.cleanup(tracker)
        if self.needs_login and not tracker.get_slot("logged_in"):
            if self.after_form:
                return cleanup
            dispatcher.utter_message(response="utter_login_first")
            return cleanup + [SlotSet(PENDING_SLOT, self.name())]
        try:
            return await self.act(dispatcher, tracker, domain) + cleanup
        except (RecordsError, RecordsUnavailable) as error:
            events = answer_failure(dispatcher, tracker, error) + cleanup
            if SlotSet("logged_in", False) in events and not self.after_form:
                events.append(SlotSet(PENDING_SLOT, self.name()))
            return events


class CountingFormValidation(FormValidationAction):
    """Form validation that counts failures per slot (after Rasa's financial-demo).

    Each `validate_<slot>` returns `self.accept(...)` or `self.reject(...)`. After
    MAX_FAILURES failures in a row for a slot, the user is offered help or a human.
    Records being down is not the user's failure: `self.unavailable(...)` keeps the form's
    state, tells the user, and asks the same question again.
    """

    needs_login = True
    logged_out_response = "utter_login_first"

    @abstractmethod
    def name(self) -> str:
        """validate_<form>"""

    def accept(self, tracker: Tracker, slot: str, value: Any, **others: Any) -> dict[str, Any]:
        failures = dict(tracker.get_slot(FAILURES_SLOT) or {})
        failures.pop(slot, None)
        return {slot: value, FAILURES_SLOT: failures, **others}

    def reject(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        slot: str,
        response: str,
        **values: Any,
    ) -> dict[str, Any]:
        failures = dict(tracker.get_slot(FAILURES_SLOT) or {})
        failures[slot] = int(failures.get(slot, 0)) + 1
        dispatcher.utter_message(response=response, **values)
        if failures[slot] >= MAX_FAILURES:
            dispatcher.utter_message(response="utter_offer_help")
            failures[slot] = 0
        return {slot: None, FAILURES_SLOT: failures}

    def failure(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, error: Exception
    ) -> dict[str, Any]:
        """Records refused the value or is down: answer in easy words, ask again.

        Being down is not the user's fault: it does not count as a failure, and the form
        keeps every other answer so the user can go on when records is back.
        """
        if isinstance(error, RecordsError) and (error.status == 401 or error.code in LOGIN_CODES):
            # Logged out: end the form; the submit action asks the user to log in again.
            self.stop_form(tracker)
            return {slot: None, "logged_in": False}
        answer_failure(dispatcher, tracker, error)
        result: dict[str, Any] = {slot: None}
        if isinstance(error, RecordsError):
            failures = dict(tracker.get_slot(FAILURES_SLOT) or {})
            failures[slot] = int(failures.get(slot, 0)) + 1
            if failures[slot] >= MAX_FAILURES:
                dispatcher.utter_message(response="utter_offer_help")
                failures[slot] = 0
            result[FAILURES_SLOT] = failures
        return result

    @staticmethod
    def stop_form(tracker: Tracker) -> None:
        """Ask `run` to end the form after this validation (the tracker lives one request)."""
        tracker.stop_form = True  # type: ignore[attr-defined]

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Hook run before extraction and validation (e.g. load the list to choose from)."""
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if self.needs_login and not tracker.get_slot("logged_in"):
            # Anonymous conversations get general help only (SPEC §4.3).
            dispatcher.utter_message(response=self.logged_out_response)
            self.stop_form(tracker)
            events: list[EventType] = []
            if self.logged_out_response == "utter_login_first":
                events.append(SlotSet(PENDING_SLOT, self.form_name()))
        else:
            events = await self.before_validation(dispatcher, tracker, domain)
        if getattr(tracker, "start_again", False):
            # The form starts afresh: the old answers are not checked again.
            return events
        if not getattr(tracker, "stop_form", False):
            tracker.add_slots(events)
            events = events + await super().run(dispatcher, tracker, domain)
        if getattr(tracker, "stop_form", False):
            # End the form now; its answers are cleared so the next run starts afresh.
            form_slots = FORM_SLOTS.get(self.form_name(), [])
            events = [e for e in events if e.get("name") not in form_slots]
            events += clear_slots(form_slots) + [SlotSet("requested_slot", None)]
        return events
