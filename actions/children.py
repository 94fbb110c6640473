"""A child's health: which child (asked only when there are several), vaccinations done and
the next ones due; and choosing the child to share with the other parent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
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
from actions.formatting import PARIS, VACCINE_WHEN, format_iso, of_name
from actions.people import children, load_people, match_person
from actions.records_client import RecordsError, RecordsUnavailable, records

MAX_LISTED = 3
IDENTIFIER = re.compile(r"^[a-z0-9]{8,100}$")


# "l'école veut le carnet de vaccination": the certificate records makes, not the list again.
_CERTIFICATE = re.compile(
    r"\b(carnet|certificat|attestation|justificatif|preuve|papier|[ée]cole|cr[èe]che|cantine"
    r"|colo|nounou|assistante maternelle|imprimer|pdf)\b",
    re.IGNORECASE,
)


def wants_certificate(text: str) -> bool:
    return bool(text) and not text.startswith("/") and bool(_CERTIFICATE.search(text))


def form_start_text(tracker: Tracker) -> str:
    """The words of the message that asked about the child's health ("" for a button)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "child_health":
                return str(event.get("text") or "")
    return ""


def next_dose_of_each_vaccine(due: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per vaccine, its first missing dose: three missing doses of the same vaccine
    are one thing to do, not three."""
    first: dict[str, dict[str, Any]] = {}
    for item in sorted(due, key=lambda v: str(v.get("due_date"))):
        first.setdefault(str(item.get("vaccine", "")), item)
    return list(first.values())


# Recommended (not obligatory) infant vaccines that are not given after this age, in months
# (calendar of ../shared/reference/vaccination-and-screening.md: rotavirus for babies only,
# meningococcus B recommended for infants born before 2025). Past it the dose is no longer due:
# saying "late" would alarm a parent for nothing.
RECOMMENDED_UNTIL_MONTHS = {"rotavirus": 8, "meningocoque_b": 24, "pneumocoque": 24}


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def still_due(item: dict[str, Any], birth: date | None, today: date) -> bool:
    """Whether a dose is still to do at the child's age (obligatory ones always are: the
    catch-up goes on until 18, records stops them then)."""
    if item.get("obligatory") or birth is None:
        return True
    code = str(item.get("code", ""))
    for family, until in RECOMMENDED_UNTIL_MONTHS.items():
        if code.startswith(family) and _months_between(birth, today) >= until:
            return False
    return True


@dataclass
class VaccinePlan:
    """What to say about a child's vaccines: obligatory and recommended apart."""

    obligatory: list[dict[str, Any]] = field(default_factory=list)
    recommended: list[dict[str, Any]] = field(default_factory=list)
    done: list[dict[str, Any]] = field(default_factory=list)


def vaccine_plan(record: dict[str, Any], birth: date | None, today: date) -> VaccinePlan:
    plan = VaccinePlan(
        done=sorted(record.get("done") or [], key=lambda v: str(v.get("date")), reverse=True)
    )
    for item in next_dose_of_each_vaccine(record.get("due") or []):
        if not still_due(item, birth, today):
            continue
        (plan.obligatory if item.get("obligatory") else plan.recommended).append(item)
    return plan


def _say_next(
    dispatcher: CollectingDispatcher,
    response: str,
    due: list[dict[str, Any]],
    today: date,
    words: dict[str, str],
) -> None:
    """The first vaccine due, and how many there are (the `_many` variant when several)."""
    first = due[0]
    dispatcher.utter_message(
        response=response if len(due) == 1 else f"{response}_many",
        count=len(due),
        vaccine=first.get("vaccine", ""),
        when=when_words(first, today),
        **words,
    )


def when_words(item: dict[str, Any], today: date) -> str:
    """ "avant le 3 mars 2027", or "dès que possible" for a date already past (never "en
    retard": a parent hears blame and danger where a catch-up is simply due)."""
    due_date = str(item.get("due_date"))[:10]
    if due_date < today.isoformat():
        return VACCINE_WHEN["past"]
    return VACCINE_WHEN["before"].format(date=format_iso(due_date))


def vaccine_lines(items: list[dict[str, Any]], today: date) -> str:
    return "\n".join(f"{i.get('vaccine', '')} : {when_words(i, today)}." for i in items)


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
        more = tracker.get_slot("vaccines_more")
        child = match_person(str(more), kids) if more and not named else None
        if child is not None and child.get("id"):
            # "Voulez-vous en savoir plus ?" names the child it spoke about: not asked again.
            return [SlotSet("person", child["first_name"]), SlotSet("person_id", child["id"])]
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
    """The answer first (obligatory vaccines done or to do), then what is recommended, then
    the last vaccine done: at most three bubbles and "Voulez-vous en savoir plus ?". The
    details (every vaccine done and to do) come when the person asks for more."""

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
        child = str(tracker.get_slot("person"))
        record = await records.get("/me/vaccinations", conversation(tracker), person_id=person_id)
        today = datetime.now(PARIS).date()
        plan = vaccine_plan(record, await _birth_date(tracker, person_id), today)
        words = {"child": child, "of_child": of_name(child)}
        if wants_certificate(form_start_text(tracker)):
            # The gateway fetches the PDF from records for this conversation (a download).
            dispatcher.utter_message(
                response="utter_vaccination_certificate",
                json_message={
                    "download": {"kind": "vaccination_certificate", "person_id": person_id}
                },
                **words,
            )
            return []
        if tracker.get_slot("vaccines_more"):
            self._details(dispatcher, plan, today, words)
            return []
        if plan.obligatory:
            _say_next(dispatcher, "utter_vaccines_obligatory_due", plan.obligatory, today, words)
        else:
            dispatcher.utter_message(response="utter_vaccines_obligatory_ok", **words)
        if plan.recommended:
            _say_next(dispatcher, "utter_vaccines_recommended", plan.recommended, today, words)
        if plan.done:
            last = plan.done[0]
            dispatcher.utter_message(
                response="utter_vaccine_last_done",
                vaccine=last.get("vaccine", ""),
                date=format_iso(str(last.get("date"))[:10]),
                **words,
            )
        else:
            dispatcher.utter_message(response="utter_no_vaccines_done", **words)
        dispatcher.utter_message(
            response="utter_vaccines_more", buttons=more_buttons(domain, child), **words
        )
        return []

    @staticmethod
    def _details(
        dispatcher: CollectingDispatcher, plan: VaccinePlan, today: date, words: dict[str, str]
    ) -> None:
        if plan.done:
            lines = "\n".join(
                f"{v.get('vaccine', '')} : "
                + VACCINE_WHEN["done"].format(date=format_iso(str(v.get("date"))[:10]))
                + "."
                for v in plan.done[:MAX_LISTED]
            )
            dispatcher.utter_message(response="utter_vaccines_done_list", items=lines, **words)
        else:
            dispatcher.utter_message(response="utter_no_vaccines_done", **words)
        if plan.obligatory:
            dispatcher.utter_message(
                response="utter_vaccines_obligatory_list",
                items=vaccine_lines(plan.obligatory[:MAX_LISTED], today),
                **words,
            )
        if plan.recommended:
            dispatcher.utter_message(
                response="utter_vaccines_recommended_list",
                items=vaccine_lines(plan.recommended[:MAX_LISTED], today),
                **words,
            )
        if not plan.obligatory and not plan.recommended:
            dispatcher.utter_message(response="utter_no_vaccines_due", **words)


def more_buttons(domain: DomainDict, child: str) -> list[dict[str, str]]:
    """The domain's "more" buttons (their words are checked there), each carrying the child's
    first name so the details come without asking again (Telegram: 64 bytes at most)."""
    variants = domain.get("responses", {}).get("utter_vaccines_more_buttons") or [{}]
    payload = f'/child_health{{"choice":"{child[:30]}"}}'
    buttons = variants[0].get("buttons", [])
    return [
        {
            "title": b["title"],
            "payload": payload if b["payload"] == "/child_health" else b["payload"],
        }
        for b in buttons
    ]


async def _birth_date(tracker: Tracker, person_id: str) -> date | None:
    try:
        people = await load_people(tracker)
    except (RecordsError, RecordsUnavailable):
        return None
    for person in people:
        if person.get("id") == person_id and person.get("birth_date"):
            return date.fromisoformat(str(person["birth_date"])[:10])
    return None
