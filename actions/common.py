"""Help, repeat, voice, talking to a person, and stopping: the flows every step allows."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import ACTIVATION_SLOTS, FAILURES_SLOT, FORM_SLOTS, clear_slots

ACTIVATION_FORMS = {"activation_form", "activation_details_form"}
SECRET_HELP = {
    "activation_code": "utter_help_code",
    "activation_final_code": "utter_help_code",
    "login_code": "utter_help_code",
    "activation_password": "utter_help_password",
    "login_password": "utter_help_password",
}


class ActionHelp(Action):
    """Help for the question being asked, or the general help."""

    def name(self) -> str:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        responses = domain.get("responses", {})
        slot = tracker.get_slot("requested_slot")
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        pending = tracker.get_slot("secret_pending")
        if form and slot:
            specific = f"utter_help_{slot}"
            dispatcher.utter_message(
                response=specific if specific in responses else "utter_help_in_form"
            )
            dispatcher.utter_message(response="utter_help_in_form_ways_out")
        elif pending in SECRET_HELP:
            dispatcher.utter_message(response=SECRET_HELP[pending])
            # A new code is a way out only while a code is asked (not at a password).
            ways_out = "utter_help_secret_ways_out"
            if pending.endswith("password"):
                ways_out = "utter_help_in_form_ways_out"
            dispatcher.utter_message(response=ways_out)
        else:
            dispatcher.utter_message(response="utter_help")
            dispatcher.utter_message(response="utter_helpline")
            dispatcher.utter_message(response="utter_phishing_warning")
        return []


class ActionRepeat(Action):
    """Send again what the assistant said last (everything after the previous user turn)."""

    def name(self) -> str:
        return "action_repeat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop and tracker.active_loop.get("name"):
            # Inside a form, the form asks its question again right after this action.
            dispatcher.utter_message(response="utter_repeat_question")
            return []
        last_turn: list[dict[str, Any]] = []
        seen_current_request = False
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                if not seen_current_request:
                    seen_current_request = True  # the "repeat" request itself
                    continue
                if last_turn:
                    break
            elif event.get("event") == "bot" and seen_current_request:
                last_turn.append(event)
        if not last_turn:
            dispatcher.utter_message(response="utter_nothing_to_repeat")
            return []
        for event in reversed(last_turn):
            data = event.get("data") or {}
            # A repeated secret request stays one: the next input goes to the gateway, not here.
            custom = data.get("custom")
            dispatcher.utter_message(
                text=event.get("text"),
                buttons=data.get("buttons") or [],
                json_message=custom,
                image=data.get("image"),
            )
        return []


class ActionVoice(Action):
    """Switch reading aloud on or off for this conversation (the gateway does the audio)."""

    def name(self) -> str:
        return "action_set_voice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # The intent itself, not the ranking: button payloads and the NLU both set it.
        on = (tracker.latest_message.get("intent") or {}).get("name") == "voice_on"
        dispatcher.utter_message(
            response="utter_voice_on" if on else "utter_voice_off", json_message={"voice": on}
        )
        return [SlotSet("voice", on)]


# "comment on appelle le 3422", "c'est quoi le numéro": the number is the answer, not a
# hand-over to an agent ("appelez-moi", "je veux parler à quelqu'un" are).
_ASKS_NUMBER = re.compile(
    r"\b(3422|num[eé]ro|t[eé]l[eé]phone|tel|appel\w*|joindre|compos\w*)\b", re.IGNORECASE
)
_WANTS_PERSON = re.compile(
    r"\b(parler|humain|conseill\w*|quelqu'un|qqn|personne|rappel\w*|m'appel\w*|appelez[- ]moi"
    r"|mettez|mettre|passez|contact|relation)\b",
    re.IGNORECASE,
)


def asks_for_the_number(text: str) -> bool:
    return bool(_ASKS_NUMBER.search(text)) and not _WANTS_PERSON.search(text)


class ActionTalkToHuman(Action):
    """Hand the conversation to the 3422 helpline; the gateway routes it to an agent."""

    def name(self) -> str:
        return "action_talk_to_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = str(tracker.latest_message.get("text") or "")
        if not text.startswith("/") and asks_for_the_number(text):
            dispatcher.utter_message(response="utter_helpline")
            return []
        dispatcher.utter_message(response="utter_handoff", json_message={"handoff": True})
        return []


class ActionStop(Action):
    """Stop the current form (or the activation, or the wait for a secret), clear its answers."""

    def name(self) -> str:
        return "action_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        events: list[EventType] = []
        if form:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
            events += clear_slots(FORM_SLOTS.get(form, []))
        if form in ACTIVATION_FORMS or tracker.get_slot("activation_id"):
            events += clear_slots(ACTIVATION_SLOTS)
        if form or tracker.get_slot("secret_pending"):
            dispatcher.utter_message(response="utter_stopped")
        else:
            dispatcher.utter_message(response="utter_nothing_to_stop")
        events += [SlotSet("secret_pending", None), SlotSet(FAILURES_SLOT, None)]
        return events
