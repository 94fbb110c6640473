"""Choosing one item from a list, then confirming: cancel an appointment, hide or show a
document, block or allow a professional. The list is read from records when the form
starts; buttons carry the item's number (short payloads, SMS can answer "2")."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.appointments import appointment_words, normalise_professional
from actions.base import (
    FORM_SLOTS,
    CountingFormValidation,
    RecordsAction,
    clear_slots,
    conversation,
)
from actions.errors import answer_failure
from actions.formatting import DOCUMENT_CATEGORIES, format_iso, of_name
from actions.records_client import RecordsError, RecordsUnavailable, records
from actions.sharing import yes_no

MAX_CHOICES = 8

# form → (what the list is called in response names)
FORM_TOPICS = {
    "cancel_appointment_form": "cancel_appointment",
    "hide_document_form": "hide_document",
    "show_document_form": "show_document",
    "block_form": "block_professional",
    "allow_form": "allow_professional",
    "emergency_settings_form": "emergency_setting",
}
# The emergency switches (SPEC §3.4), in the order of utter_choose_emergency_setting's buttons.
EMERGENCY_SWITCHES = ["emergency_access", "samu_access", "emergency_hidden_documents"]


def _plain(text: Any) -> str:
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


async def load_choices(form: str, tracker: Tracker) -> list[dict[str, str]]:
    """The items the user can choose from, as [{id, label}]."""
    conv = conversation(tracker)
    if form == "cancel_appointment_form":
        items = await records.get("/me/appointments", conv, upcoming=True, limit=MAX_CHOICES)
        kind = named_professional(tracker)
        same_kind = [i for i in items if i.get("professional_kind") == kind]
        # "annule le rdv du dentiste": the dentist's, not every appointment.
        items = same_kind or items
        labels = [appointment_words(i) for i in items]
        return [
            {"id": i["id"], "label": f"{w['when']}, {w['professional']}"}
            for i, w in zip(items, labels, strict=True)
        ]
    if form == "emergency_settings_form":
        settings = await records.get("/me/emergency-settings", conv)
        # The label is the switch's state: the buttons' words live in the domain.
        return [
            {"id": key, "label": "on" if settings.get(key) else "off"} for key in EMERGENCY_SWITCHES
        ]
    if form in ("hide_document_form", "show_document_form"):
        category = DOCUMENT_CATEGORIES.get(tracker.get_slot("document_kind") or "")
        items = await records.get("/me/documents", conv, category=category, limit=50)
        want_hidden = form == "show_document_form"
        chosen = [d for d in items if bool(d.get("hidden")) == want_hidden][:MAX_CHOICES]
        return [{"id": d["id"], "label": document_label(d)} for d in chosen]
    pros = await records.get("/me/professionals", conv)
    kind = tracker.get_slot("professional")
    if form == "block_form":
        chosen = [p for p in pros if p.get("authorised") and not p.get("blocked")]
    else:
        # Blocked ones to unblock, then known ones never authorised yet to authorise.
        chosen = [p for p in pros if p.get("blocked")]
        chosen += [p for p in pros if not p.get("blocked") and not p.get("authorised")]
    if kind:
        same_kind = [
            p for p in chosen if _plain(kind).split("_")[0] in _plain(p.get("profession", ""))
        ]
        chosen = same_kind or chosen
    return [
        {"id": p["id"], "label": professional_label(p), "blocked": bool(p.get("blocked"))}
        for p in chosen[:MAX_CHOICES]
    ]


def named_professional(tracker: Tracker) -> str | None:
    """The kind of professional the latest message names ("du dentiste"), if any."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "professional":
            kind = normalise_professional(entity.get("value"))
            if kind:
                return kind
    text = str(tracker.latest_message.get("text") or "")
    return normalise_professional(text) if text and not text.startswith("/") else None


# The switch that hides every document (records' sharing setting `hide_all`), offered first.
ALL = "all"
_ALL_WORDS = re.compile(r"\b(tout|tous|toutes)\b")


async def with_all_documents(
    form: str, tracker: Tracker, domain: DomainDict, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Hiding offers "Tous mes documents" first; showing offers it while the switch is on."""
    if form not in ("hide_document_form", "show_document_form"):
        return items
    settings = await records.get("/me/sharing-settings", conversation(tracker))
    if bool(settings.get("hide_all")) != (form == "show_document_form"):
        return items
    variants = domain.get("responses", {}).get("utter_choice_all_documents") or [{}]
    label = str(variants[0].get("text") or "")
    return [{"id": ALL, "label": label}, *items][:MAX_CHOICES] if label else items


def document_label(document: dict[str, Any]) -> str:
    added = document.get("added_at")
    if added:
        return f"{document.get('title', '')}, {format_iso(str(added)[:10])}"
    return str(document.get("title", ""))


def professional_label(professional: dict[str, Any]) -> str:
    label = professional.get("profession_label")
    return f"{professional.get('name', '')}, {label}" if label else str(professional.get("name"))


# Words around a number or an ordinal that do not name an item: "le 2", "numéro 2", "celui-là".
_FILLER = {
    "le", "la", "l", "les", "un", "une", "numero", "num", "no", "n", "choix", "bouton", "celui",
    "celle", "ci", "la-bas", "euh", "svp", "stp", "merci", "c", "est", "ce", "oui", "ok", "alors",
    "je", "veux", "prends", "prend", "choisis", "choisir", "de", "du", "des",
}  # fmt: skip
_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "deuxieme": 2, "second": 2, "seconde": 2,
    "2eme": 2, "2e": 2, "troisieme": 3, "3eme": 3, "3e": 3, "quatrieme": 4, "4eme": 4, "4e": 4,
    "cinquieme": 5, "5eme": 5, "5e": 5, "sixieme": 6, "septieme": 7, "huitieme": 8,
}  # fmt: skip
_YES = {"oui", "ok", "d'accord", "daccord", "dac", "ouais", "celui-la", "celle-la", "ca", "lui"}


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


def match_choice(value: Any, items: list[dict[str, str]]) -> dict[str, str] | None:
    """The item a person means: its number ("2", "le 2"), its rank ("le premier", "le
    dernier"), "oui" when there is only one, or words of its label ("le bilan cholestérol")."""
    text = _plain(value)
    words = _words(text)
    if not words or not items:
        return None
    others = [w for w in words if w not in _FILLER]
    if len(others) == 1:
        word = others[0]
        rank = int(word) if word.isdigit() else _ORDINALS.get(word)
        if word in ("dernier", "derniere"):
            rank = len(items)
        if rank is not None and 1 <= rank <= len(items):
            return items[rank - 1]
    if len(items) == 1 and set(words) <= _FILLER | _YES:
        return items[0]
    whole = [i for i in items if text in _plain(i["label"])]
    if len(whole) == 1:
        return whole[0]
    # Numbers and words of three letters or more that the label contains: the one item with
    # the most ("celui du 3 décembre").
    significant = {w for w in others if len(w) >= 3 or w.isdigit()}
    scores = [(len(significant & set(_words(_plain(i["label"])))), i) for i in items]
    best = max((score for score, _ in scores), default=0)
    chosen = [i for score, i in scores if score == best]
    return chosen[0] if best > 0 and len(chosen) == 1 else None


class ChoiceFormValidation(CountingFormValidation):
    form = ""

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("choice_items") is not None:
            return []
        try:
            items = await load_choices(self.form, tracker)
            items = await with_all_documents(self.form, tracker, domain, items)
        except (RecordsError, RecordsUnavailable) as error:
            events = answer_failure(dispatcher, tracker, error)
            self.stop_form(tracker)
            return events
        if not items:
            dispatcher.utter_message(response=f"utter_nothing_to_{FORM_TOPICS[self.form]}")
            self.stop_form(tracker)
            return []
        if self.form == "hide_document_form" and _ALL_WORDS.search(
            _plain(tracker.latest_message.get("text") or "")
        ):
            # "je veux tout cacher": the switch is the choice, only the confirmation is asked.
            return [SlotSet("choice_items", items), SlotSet("choice", ALL)]
        return [SlotSet("choice_items", items)]

    def validate_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        items = tracker.get_slot("choice_items") or []
        if any(i["id"] == ALL for i in items) and (
            value == ALL or _ALL_WORDS.search(_plain(value))
        ):
            return self.accept(tracker, "choice", ALL)  # "tout", "tous mes documents"
        item = match_choice(value, items)
        if item is None:
            return self.reject(dispatcher, tracker, "choice", "utter_invalid_choice")
        return self.accept(tracker, "choice", item["id"])

    def validate_choice_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in (True, False):
            return self.accept(tracker, "choice_confirm", value)
        return self.reject(dispatcher, tracker, "choice_confirm", "utter_please_yes_or_no")


class ValidateCancelAppointmentForm(ChoiceFormValidation):
    form = "cancel_appointment_form"

    def name(self) -> str:
        return "validate_cancel_appointment_form"


class ValidateHideDocumentForm(ChoiceFormValidation):
    form = "hide_document_form"

    def name(self) -> str:
        return "validate_hide_document_form"


class ValidateShowDocumentForm(ChoiceFormValidation):
    form = "show_document_form"

    def name(self) -> str:
        return "validate_show_document_form"


class ValidateBlockForm(ChoiceFormValidation):
    form = "block_form"

    def name(self) -> str:
        return "validate_block_form"


class ValidateEmergencySettingsForm(ChoiceFormValidation):
    form = "emergency_settings_form"

    def name(self) -> str:
        return "validate_emergency_settings_form"


class ValidateAllowForm(ChoiceFormValidation):
    form = "allow_form"

    def name(self) -> str:
        return "validate_allow_form"


def chosen_label(tracker: Tracker) -> str:
    wanted = tracker.get_slot("choice")
    for item in tracker.get_slot("choice_items") or []:
        if item["id"] == wanted:
            return item["label"]
    return ""


class ActionAskChoice(Action):
    def name(self) -> str:
        return "action_ask_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = tracker.active_loop.get("name", "") if tracker.active_loop else ""
        items = tracker.get_slot("choice_items") or []
        if form == "emergency_settings_form":
            dispatcher.utter_message(response="utter_choose_emergency_setting")
            return []
        buttons = [
            {"title": item["label"], "payload": f'/inform{{"choice":"{number}"}}'}
            for number, item in enumerate(items, start=1)
        ]
        dispatcher.utter_message(
            response=f"utter_choose_{FORM_TOPICS.get(form, 'item')}", buttons=buttons
        )
        return []


class ActionAskChoiceConfirm(Action):
    def name(self) -> str:
        return "action_ask_choice_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = tracker.active_loop.get("name", "") if tracker.active_loop else ""
        if form == "emergency_settings_form":
            switch = tracker.get_slot("choice")
            current = next(
                (i["label"] for i in tracker.get_slot("choice_items") or [] if i["id"] == switch),
                "on",
            )
            target = "off" if current == "on" else "on"
            dispatcher.utter_message(response=f"utter_confirm_{switch}_{target}")
            return []
        if form == "share_child_form":
            child = str(tracker.get_slot("person"))
            dispatcher.utter_message(
                response="utter_confirm_share_child",
                child=child,
                of_child=of_name(child),
                identifier=tracker.get_slot("other_parent_identifier"),
            )
            return []
        topic = FORM_TOPICS.get(form, "item")
        if tracker.get_slot("choice") == ALL:
            dispatcher.utter_message(response=f"utter_confirm_{topic}_all")
            return []
        dispatcher.utter_message(response=f"utter_confirm_{topic}", item=chosen_label(tracker))
        return []


class ChoiceSubmit(RecordsAction):
    after_form = True
    form = ""
    method = "POST"
    path = ""
    done_response = ""

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS[self.form])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        confirmed = tracker.get_slot("choice_confirm")
        if confirmed is False:
            dispatcher.utter_message(response="utter_nothing_changed")
        if confirmed is not True or not tracker.get_slot("choice"):
            return []  # the form stopped early and said why
        path, done_response = self.target(tracker)
        path = path.format(id=tracker.get_slot("choice"))
        await records.request(self.method, path, conversation(tracker), json=None)
        dispatcher.utter_message(response=done_response, item=chosen_label(tracker))
        return []

    def target(self, tracker: Tracker) -> tuple[str, str]:
        """The route to call and the response that says it is done."""
        return self.path, self.done_response


class ActionCancelAppointment(ChoiceSubmit):
    form = "cancel_appointment_form"
    method = "DELETE"
    path = "/me/appointments/{id}"
    done_response = "utter_appointment_cancelled"

    def name(self) -> str:
        return "action_cancel_appointment"


class DocumentSubmit(ChoiceSubmit):
    """Hide or show one document, or turn the switch for all of them."""

    hide_all = True

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("choice") != ALL or tracker.get_slot("choice_confirm") is not True:
            return await super().act(dispatcher, tracker, domain)
        await records.put(
            "/me/sharing-settings", conversation(tracker), {"hide_all": self.hide_all}
        )
        dispatcher.utter_message(
            response="utter_all_documents_hidden" if self.hide_all else "utter_all_documents_shown"
        )
        return []


class ActionHideDocument(DocumentSubmit):
    form = "hide_document_form"
    path = "/me/documents/{id}/hide"
    done_response = "utter_document_hidden"

    def name(self) -> str:
        return "action_hide_document"


class ActionShowDocument(DocumentSubmit):
    form = "show_document_form"
    hide_all = False
    path = "/me/documents/{id}/show"
    done_response = "utter_document_shown"

    def name(self) -> str:
        return "action_show_document"


class ActionBlockProfessional(ChoiceSubmit):
    form = "block_form"
    path = "/me/professionals/{id}/block"
    done_response = "utter_professional_blocked"

    def name(self) -> str:
        return "action_block_professional"


class ActionAllowProfessional(ChoiceSubmit):
    """Unblock a blocked professional, or authorise one of the care team not authorised yet."""

    form = "allow_form"
    path = "/me/professionals/{id}/unblock"
    done_response = "utter_professional_allowed"

    def name(self) -> str:
        return "action_allow_professional"

    def target(self, tracker: Tracker) -> tuple[str, str]:
        wanted = tracker.get_slot("choice")
        item = next((i for i in tracker.get_slot("choice_items") or [] if i["id"] == wanted), {})
        if item.get("blocked") is False:
            return "/me/professionals/{id}/authorise", "utter_professional_authorised"
        return self.path, self.done_response


class ActionChangeEmergencySetting(RecordsAction):
    """Turn one emergency switch the other way, then say how the three are now."""

    after_form = True

    def name(self) -> str:
        return "action_change_emergency_setting"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["emergency_settings_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        confirmed, switch = tracker.get_slot("choice_confirm"), tracker.get_slot("choice")
        if confirmed is False:
            dispatcher.utter_message(response="utter_nothing_changed")
        if confirmed is not True or switch not in EMERGENCY_SWITCHES:
            return []
        conv = conversation(tracker)
        settings = await records.get("/me/emergency-settings", conv)
        body = {key: bool(settings.get(key)) for key in EMERGENCY_SWITCHES}
        body[switch] = not body[switch]
        changed = await records.put("/me/emergency-settings", conv, body)
        dispatcher.utter_message(response="utter_emergency_setting_changed")
        dispatcher.utter_message(
            response="utter_emergency_switches",
            emergency=yes_no(changed.get("emergency_access")),
            samu=yes_no(changed.get("samu_access")),
            hidden=yes_no(changed.get("emergency_hidden_documents")),
        )
        return []
