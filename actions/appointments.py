"""Appointments of the family: add (confirmed in full words), list, and reminders.
Cancelling is a choice among the next appointments (actions/choices.py)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
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
from actions.formatting import (
    PARIS,
    PROFESSIONAL_WORDS,
    format_datetime,
    format_iso,
    parse_when,
    professional_words,
)
from actions.people import load_people, match_person, others, person_buttons
from actions.records_client import RecordsError, RecordsUnavailable, records

MAX_LISTED = 5
REMINDER_WORDS = {"sms": "par SMS", "email": "par mail", "telegram": "sur Telegram"}

# Words people write for a kind of professional, when the NLU found no entity.
PROFESSIONAL_SYNONYMS = {
    "generaliste": "medecin_generaliste", "medecin": "medecin_generaliste",
    "docteur": "medecin_generaliste", "traitant": "medecin_traitant",
    "dentiste": "dentiste", "kine": "kine", "kinesitherapeute": "kine",
    "infirmier": "infirmier", "infirmiere": "infirmier", "pharmacien": "pharmacien",
    "pharmacie": "pharmacien", "sage-femme": "sage_femme", "sage femme": "sage_femme",
    "ophtalmo": "ophtalmologue", "yeux": "ophtalmologue", "pediatre": "pediatre",
    "gyneco": "gynecologue", "cardio": "cardiologue", "coeur": "cardiologue",
    "dermato": "dermatologue", "peau": "dermatologue", "psychiatre": "psychiatre",
    "radio": "radiologue", "laboratoire": "laboratoire", "prise de sang": "laboratoire",
    "specialiste": "specialiste", "travail": "medecin_du_travail",
}  # fmt: skip


# Typed instead of the "Je ne sais pas" button at the place question.
_NO_PLACE = re.compile(
    r"^(?:euh |ben |bah )?(?:je (?:ne )?sais (?:pas|plus)|j(?:e |')?sais pas|jsp|j'?en sais rien"
    r"|aucune idee|pas de lieu|pas d'adresse|je ne connais pas l'adresse|on verra)\b"
)
# Words of an address: "cabinet du docteur, vendredi 14h" stays a place.
_ADDRESS_WORDS = re.compile(
    r"\b(rue|avenue|av|bd|boulevard|place|chemin|route|allee|impasse|quai|cabinet|hopital"
    r"|clinique|centre|maison|chu|ch|labo|laboratoire|pharmacie|cedex|batiment|etage)\b"
)


def _plain(text: Any) -> str:
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise_professional(value: Any) -> str | None:
    if value in PROFESSIONAL_WORDS:
        return str(value)
    text = _plain(value)
    for word, kind in sorted(PROFESSIONAL_SYNONYMS.items(), key=lambda kv: -len(kv[0])):
        if word in text:
            return kind
    return None


def value_before_this_turn(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message filled it again."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def who_words(tracker: Tracker) -> str:
    person = tracker.get_slot("person")
    return "vous" if not person or person == "moi" else str(person)


# "décaler", "déplacer", "reporter", "changer la date": the appointment exists, it moves.
_MOVE = re.compile(
    r"\b(decal\w*|deplac\w*|report\w*|bouger|avancer|changer (?:la date|l'heure|le jour|de jour)"
    r"|modifi\w*)\b"
)


def form_start_text(tracker: Tracker) -> str:
    """The words of the message that started the appointment form ("" for a button)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "book_appointment":
                text = str(event.get("text") or "")
                return "" if text.startswith("/") else text
    return ""


def is_move(tracker: Tracker) -> bool:
    return bool(_MOVE.search(_plain(form_start_text(tracker))))


async def appointment_to_move(tracker: Tracker) -> dict[str, Any] | None:
    """The one upcoming appointment with the same professional (and person) to move."""
    if not is_move(tracker):
        return None
    kind = tracker.get_slot("professional")
    items = await records.get("/me/appointments", conversation(tracker), upcoming=True, limit=20)
    person_id = tracker.get_slot("person_id")
    same = [
        i
        for i in items
        if i.get("professional_kind") == kind
        and (person_id is None or i.get("person_id") == person_id)
    ]
    if person_id is None and len(same) > 1:
        self_id = await _self_id(tracker)
        same = [i for i in same if i.get("person_id") in (None, self_id)]
    return same[0] if len(same) == 1 else None


class ValidateAppointmentForm(CountingFormValidation):
    def name(self) -> str:
        return "validate_appointment_form"

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """ "rdv chez le dentiste mardi prochain à 14h30": the day and time of the first
        sentence are kept, not asked again (they are checked as an answer would be)."""
        if tracker.get_slot("appointment_time") or tracker.get_slot("requested_slot"):
            return []
        text = str(tracker.latest_message.get("text") or "")
        if text.startswith("/"):
            return []
        when, has_time = parse_when(text)
        if when is None or not has_time or when <= datetime.now(PARIS):
            return []
        return [SlotSet("appointment_time", when.isoformat())]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = list(domain_slots)
        try:
            manages_others = bool(others(await load_people(tracker)))
        except (RecordsError, RecordsUnavailable):
            manages_others = tracker.get_slot("person") is not None
        if not manages_others and "person" in slots:
            slots.remove("person")
        if is_move(tracker):
            # Moving keeps the appointment's place and reminders: only the new day is asked.
            slots = [s for s in slots if s not in ("appointment_place", "reminder")]
        return slots

    async def validate_person(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:
            people = await load_people(tracker)
        except (RecordsError, RecordsUnavailable) as error:
            return self.failure(dispatcher, tracker, "person", error)
        person = match_person(str(value), people)
        if person is None:
            return self.reject(dispatcher, tracker, "person", "utter_invalid_person")
        is_self = person.get("relation", "self") == "self"
        return self.accept(
            tracker,
            "person",
            "moi" if is_self else person["first_name"],
            person_id=None if is_self else person["id"],
        )

    def validate_professional(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        previous = value_before_this_turn(tracker, "professional")
        if previous and tracker.get_slot("requested_slot") != "professional":
            # "cabinet du dr Blanc" answers the place question: its "dr" is not a new kind
            # of professional for an appointment already said to be with the pediatrician.
            return {"professional": previous}
        kind = normalise_professional(value)
        if kind is None:
            return self.reject(dispatcher, tracker, "professional", "utter_invalid_professional")
        return self.accept(tracker, "professional", kind)

    def validate_appointment_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        try:  # kept from the first sentence (before_validation): already a moment
            return self._check_time(datetime.fromisoformat(str(value)), True, dispatcher, tracker)
        except ValueError:
            return self._check_time(*parse_when(str(value)), dispatcher, tracker)

    def _check_time(
        self,
        when: datetime | None,
        has_time: bool,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        if when is None:
            return self.reject(
                dispatcher, tracker, "appointment_time", "utter_invalid_appointment_time"
            )
        if not has_time:
            return self.reject(dispatcher, tracker, "appointment_time", "utter_ask_time_too")
        if when <= datetime.now(PARIS):
            return self.reject(
                dispatcher, tracker, "appointment_time", "utter_invalid_appointment_past"
            )
        return self.accept(tracker, "appointment_time", when.isoformat())

    def validate_appointment_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        place = str(value).strip()
        if not place or len(place) > 200:
            return self.reject(dispatcher, tracker, "appointment_place", "utter_invalid_place")
        if _NO_PLACE.search(_plain(place)):
            return self.accept(tracker, "appointment_place", "none")
        # "euh non plutôt vendredi 14h": a new day and time, not an address. The time is
        # changed and the place asked again; the summary shows the new time in full words.
        when, has_time = parse_when(place)
        if when is not None and has_time and not _ADDRESS_WORDS.search(_plain(place)):
            changed = self._check_time(when, has_time, dispatcher, tracker)
            return {**changed, "appointment_place": None}
        return self.accept(tracker, "appointment_place", place)

    def validate_reminder(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in ("sms", "email", "telegram", "none"):
            return self.accept(tracker, "reminder", value)
        text = str(value).strip().lower()
        channel = "sms" if "sms" in text else "email" if "mail" in text else None
        if channel:
            return self.accept(tracker, "reminder", channel)
        return self.reject(dispatcher, tracker, "reminder", "utter_invalid_reminder")

    def validate_appointment_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in (True, False):
            return self.accept(tracker, "appointment_confirm", value)
        return self.reject(dispatcher, tracker, "appointment_confirm", "utter_please_yes_or_no")


class ActionAskPerson(Action):
    """ "For whom?": the user and the people they manage, as buttons."""

    def name(self) -> str:
        return "action_ask_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        try:
            people = await load_people(tracker)
        except (RecordsError, RecordsUnavailable):
            people = []
        if form == "appointment_form":
            dispatcher.utter_message(
                response="utter_ask_person_appointment", buttons=person_buttons(others(people))
            )
        else:
            kids = [p for p in people if p.get("relation") == "child"]
            dispatcher.utter_message(
                response="utter_ask_person_child", buttons=person_buttons(kids)
            )
        return []


class ActionAskAppointmentConfirm(Action):
    """Repeat the appointment in full words before saving it."""

    def name(self) -> str:
        return "action_ask_appointment_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        when = datetime.fromisoformat(tracker.get_slot("appointment_time"))
        place = tracker.get_slot("appointment_place")
        try:
            moving = await appointment_to_move(tracker)
        except (RecordsError, RecordsUnavailable):
            moving = None
        if moving is not None:
            dispatcher.utter_message(
                response="utter_ask_appointment_move_confirm",
                before=format_iso(moving["starts_at"]),
                when=format_datetime(when),
                professional=professional_words(tracker.get_slot("professional")),
            )
            return []
        dispatcher.utter_message(
            response="utter_ask_appointment_confirm_place"
            if place and place != "none"
            else "utter_ask_appointment_confirm",
            when=format_datetime(when),
            professional=professional_words(tracker.get_slot("professional")),
            who=who_words(tracker),
            place=place,
        )
        return []


class ActionBookAppointment(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_book_appointment"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["appointment_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("appointment_confirm") is not True:
            if tracker.get_slot("appointment_confirm") is False:
                dispatcher.utter_message(response="utter_appointment_not_added")
            return []
        reminder = tracker.get_slot("reminder")
        place = tracker.get_slot("appointment_place")
        body: dict[str, Any] = {
            "professional_kind": tracker.get_slot("professional"),
            "starts_at": tracker.get_slot("appointment_time"),
            "reminders": [reminder] if reminder and reminder != "none" else [],
        }
        if place and place != "none":
            body["place"] = place
        if tracker.get_slot("person_id"):
            body["person_id"] = tracker.get_slot("person_id")
        moving = await appointment_to_move(tracker)
        if moving is not None:
            changes = {"starts_at": body["starts_at"]}  # its place and reminders stay
            moved = await records.request(
                "PATCH", f"/me/appointments/{moving['id']}", conversation(tracker), json=changes
            )
            dispatcher.utter_message(
                response="utter_appointment_moved",
                when=format_iso(moved.get("starts_at") or body["starts_at"]),
                professional=professional_words(body["professional_kind"]),
            )
            return []
        created = await records.post("/me/appointments", conversation(tracker), body)
        dispatcher.utter_message(
            response="utter_appointment_added",
            when=format_iso(created.get("starts_at") or body["starts_at"]),
            professional=professional_words(body["professional_kind"]),
        )
        if body["reminders"]:
            dispatcher.utter_message(
                response="utter_appointment_reminder_set", channel=REMINDER_WORDS[reminder]
            )
        return []


def appointment_words(item: dict[str, Any]) -> dict[str, str]:
    relation_self = not item.get("person_id") or item.get("person_first_name") is None
    return {
        "when": format_iso(item["starts_at"]),
        "professional": professional_words(
            item.get("professional_kind"), item.get("professional_name")
        ),
        "who": "vous" if relation_self else str(item["person_first_name"]),
        "place": str(item.get("place") or ""),
    }


class ActionListAppointments(RecordsAction):
    def name(self) -> str:
        return "action_list_appointments"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        items = await records.get(
            "/me/appointments", conversation(tracker), upcoming=True, limit=MAX_LISTED
        )
        if not items:
            dispatcher.utter_message(response="utter_no_appointments")
            return []
        try:
            family = bool(others(await load_people(tracker)))
        except (RecordsError, RecordsUnavailable):
            family = any(i.get("person_first_name") for i in items)
        dispatcher.utter_message(
            response="utter_appointments_intro" if family else "utter_appointments_intro_mine",
            count=len(items),
        )
        people = None
        for item in items[:MAX_LISTED]:
            words = appointment_words(item)
            if item.get("person_id") and item.get("person_first_name"):
                people = people or await _self_id(tracker)
                if item["person_id"] == people:
                    words["who"] = "vous"
            dispatcher.utter_message(
                response="utter_appointment_item_place"
                if words["place"]
                else "utter_appointment_item",
                **words,
            )
        return []


async def _self_id(tracker: Tracker) -> str | None:
    try:
        people = await load_people(tracker)
    except (RecordsError, RecordsUnavailable):
        return None
    return next((p["id"] for p in people if p.get("relation") == "self"), None)
