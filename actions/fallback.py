"""When the NLU is unsure: offer the most likely requests as buttons, then a person.

A button's payload is `/intent`, so a choice continues the flow as if the person had said it.
A second miss in a row offers the 3422 instead of guessing again. The buttons' words live in
the domain (response `utter_suggestion_buttons`, never sent as it is).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FALLBACK_INTENT = "nlu_fallback"
SUGGESTION_BUTTONS = "utter_suggestion_buttons"
# Measured on the realistic held-out set's 59 fallbacks: three buttons offer the right request
# for 52, two for 46; a floor anywhere from 0 to 5 % changed nothing, 2 % keeps noise out.
MAX_SUGGESTIONS = 3
MIN_CONFIDENCE = 0.02
# Always offered last: "something else" leads to the out-of-scope answer and its menu.
SOMETHING_ELSE = "/out_of_scope"


def suggestion_titles(domain: DomainDict) -> dict[str, str]:
    """Payload → button title, from the domain's catalogue of suggestion buttons."""
    variants = domain.get("responses", {}).get(SUGGESTION_BUTTONS) or [{}]
    return {b["payload"]: b["title"] for b in variants[0].get("buttons", [])}


def suggested_intents(ranking: list[dict[str, Any]], offered: set[str]) -> list[str]:
    """The most likely intents that have a button, best first."""
    names = []
    for entry in ranking:
        name = entry.get("name")
        if (
            name != FALLBACK_INTENT
            and f"/{name}" in offered
            and f"/{name}" != SOMETHING_ELSE
            and (entry.get("confidence") or 0) >= MIN_CONFIDENCE
        ):
            names.append(name)
        if len(names) == MAX_SUGGESTIONS:
            break
    return names


def previous_message_missed(tracker: Tracker) -> bool:
    """Whether the user message before the latest one also fell back."""
    user_turns = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_turns) < 2:
        return False
    intent = (user_turns[-2].get("parse_data") or {}).get("intent") or {}
    return intent.get("name") == FALLBACK_INTENT


class ActionSuggestIntents(Action):
    """Instead of "I did not understand": "Vous voulez : … ?" with two or three buttons."""

    def name(self) -> str:
        return "action_suggest_intents"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if previous_message_missed(tracker):
            dispatcher.utter_message(response="utter_not_understood_again")
            return []
        titles = suggestion_titles(domain)
        ranking = tracker.latest_message.get("intent_ranking") or []
        intents = suggested_intents(ranking, set(titles))
        if not intents:
            dispatcher.utter_message(response="utter_not_understood")
            return []
        payloads = [f"/{name}" for name in intents] + [SOMETHING_ELSE]
        buttons = [{"title": titles[p], "payload": p} for p in payloads if p in titles]
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []
