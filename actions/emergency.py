"""Emergencies: what a doctor sees, the people to call, and adding health information
(allergies, illnesses, treatments) that doctors see in an emergency."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
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
from actions.formatting import digits_in_pairs
from actions.records_client import RecordsError, RecordsUnavailable, records
from actions.sharing import yes_no

PHONE = re.compile(r"^(?:\+33|0033|0)[1-9]\d{8}$")
HEALTH_KINDS = {"allergy", "condition", "treatment"}


def _names(items: list[Any]) -> str:
    names = [
        i.get("label") or i.get("name") or "" if isinstance(i, dict) else str(i) for i in items
    ]
    return ", ".join(n for n in names if n)


# "je veux changer les réglages d'urgence", "fermer mon dossier au samu": the settings, not
# the summary (the intent is the same; the button carries an entity instead).
_CHANGE_SETTINGS = re.compile(
    r"\b(r[ée]glages?|param[èe]tres?|changer|modifier|fermer|bloquer|couper|activer"
    r"|d[ée]sactiver|interdire)\b",
    re.IGNORECASE,
)


def response_text(domain: DomainDict, name: str) -> str:
    variants = domain.get("responses", {}).get(name) or [{}]
    return str(variants[0].get("text") or "{items}")


def wants_settings(text: str) -> bool:
    return bool(text) and not text.startswith("/") and bool(_CHANGE_SETTINGS.search(text))


class ActionEmergencyInfo(RecordsAction):
    def name(self) -> str:
        return "action_emergency_info"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if wants_settings(str(tracker.latest_message.get("text") or "")):
            return [FollowupAction("emergency_settings_form")]
        summary = await records.get("/me/emergency-summary", conversation(tracker))
        parts = {k: _names(summary.get(k) or []) for k in ("conditions", "treatments", "allergies")}
        if not any(parts.values()):
            dispatcher.utter_message(response="utter_emergency_empty")
        else:
            dispatcher.utter_message(response="utter_emergency_intro")
            # One bubble, one line per kind (at most 3 bubbles and the offer per answer): the
            # lines' words are the domain's responses, filled here.
            lines = [
                response_text(domain, response).format(items=parts[key])
                for key, response in (
                    ("conditions", "utter_emergency_conditions"),
                    ("treatments", "utter_emergency_treatments"),
                    ("allergies", "utter_emergency_allergies"),
                )
                if parts[key]
            ]
            dispatcher.utter_message(text="\n".join(lines))
        settings = await records.get("/me/emergency-settings", conversation(tracker))
        dispatcher.utter_message(
            response="utter_emergency_switches",
            emergency=yes_no(settings.get("emergency_access")),
            samu=yes_no(settings.get("samu_access")),
            hidden=yes_no(settings.get("emergency_hidden_documents")),
        )
        dispatcher.utter_message(response="utter_emergency_add_offer")
        return []


async def list_emergency_contacts(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    contacts = await records.get("/me/emergency-contacts", conversation(tracker))
    if not contacts:
        dispatcher.utter_message(response="utter_no_emergency_contacts")
        return
    dispatcher.utter_message(response="utter_emergency_contacts_intro")
    for contact in contacts[:5]:
        dispatcher.utter_message(
            response="utter_emergency_contact_item",
            name=contact.get("name", ""),
            relation=contact.get("relation", ""),
            phone=digits_in_pairs(str(contact.get("phone", ""))),
        )


class ValidateEmergencyContactForm(CountingFormValidation):
    def name(self) -> str:
        return "validate_emergency_contact_form"

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("requested_slot") is None and not tracker.get_slot("contact_name"):
            # The form starts: first the people already noted.
            try:
                await list_emergency_contacts(dispatcher, tracker)
            except (RecordsError, RecordsUnavailable) as error:
                events = answer_failure(dispatcher, tracker, error)
                self.stop_form(tracker)
                return events
        return []

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = str(value).strip()
        if not 2 <= len(name) <= 100 or any(ch.isdigit() for ch in name):
            return self.reject(dispatcher, tracker, "contact_name", "utter_invalid_contact_name")
        return self.accept(tracker, "contact_name", name)

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        phone = re.sub(r"[\s.-]", "", str(value))
        if not PHONE.match(phone):
            return self.reject(dispatcher, tracker, "contact_phone", "utter_invalid_phone")
        return self.accept(tracker, "contact_phone", phone)

    def validate_contact_relation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        relation = str(value).strip()
        if not 2 <= len(relation) <= 60:
            return self.reject(
                dispatcher, tracker, "contact_relation", "utter_invalid_contact_relation"
            )
        return self.accept(tracker, "contact_relation", relation)


class ActionAddEmergencyContact(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_add_emergency_contact"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["emergency_contact_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        name = tracker.get_slot("contact_name")
        if not name or not tracker.get_slot("contact_phone"):
            return []
        await records.post(
            "/me/emergency-contacts",
            conversation(tracker),
            {
                "name": name,
                "phone": tracker.get_slot("contact_phone"),
                "relation": tracker.get_slot("contact_relation"),
            },
        )
        dispatcher.utter_message(response="utter_emergency_contact_added", name=name)
        return []


class ValidateHealthInfoForm(CountingFormValidation):
    def name(self) -> str:
        return "validate_health_info_form"

    def validate_health_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value).lower()
        for kind, words in (
            ("allergy", ("allerg",)),
            ("treatment", ("traitement", "medicament", "médicament", "treatment")),
            ("condition", ("maladie", "condition", "probleme", "problème")),
        ):
            if text in HEALTH_KINDS and text == kind or any(w in text for w in words):
                return self.accept(tracker, "health_kind", kind)
        return self.reject(dispatcher, tracker, "health_kind", "utter_invalid_health_kind")

    def validate_health_label(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        label = str(value).strip()
        if not 2 <= len(label) <= 200:
            return self.reject(dispatcher, tracker, "health_label", "utter_invalid_health_label")
        return self.accept(tracker, "health_label", label)


class ActionAddHealthInfo(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_add_health_info"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["health_info_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind, label = tracker.get_slot("health_kind"), tracker.get_slot("health_label")
        if not kind or not label:
            return []
        await records.post(
            "/me/health-entries", conversation(tracker), {"kind": kind, "label": label}
        )
        dispatcher.utter_message(response="utter_health_info_added", label=label)
        return []
