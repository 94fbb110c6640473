"""The fallback that still helps: buttons for the likely requests, then the 3422."""

from __future__ import annotations

from typing import Any

from actions.fallback import ActionSuggestIntents, suggestion_titles
from tests.actions.conftest import Conversation, responses


def _unsure(conv: Conversation, text: str, ranking: list[tuple[str, float]]) -> None:
    conv.user(text, intent="nlu_fallback")
    conv.events[-1]["parse_data"]["intent_ranking"] = [
        {"name": n, "confidence": c} for n, c in ranking
    ]
    conv.latest["intent_ranking"] = conv.events[-1]["parse_data"]["intent_ranking"]


async def test_unsure_offers_the_three_likeliest_requests_then_something_else(
    domain: dict[str, Any],
) -> None:
    conv = Conversation(domain)
    _unsure(
        conv,
        "jpeu voir mé rdv",
        [
            ("nlu_fallback", 0.5),
            ("list_appointments", 0.41),
            ("book_appointment", 0.30),
            ("secret_ok", 0.12),
            ("cancel_appointment", 0.10),
            ("list_documents", 0.05),
        ],
    )
    messages, events = await conv.run(ActionSuggestIntents())
    assert responses(messages) == ["utter_did_you_mean"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "/list_appointments",
        "/book_appointment",
        "/cancel_appointment",
        "/out_of_scope",
    ]
    titles = suggestion_titles(domain)
    assert [b["title"] for b in messages[0]["buttons"]] == [
        titles[b["payload"]] for b in messages[0]["buttons"]
    ]
    assert events == []


async def test_unlikely_intents_are_not_offered(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    _unsure(conv, "bof", [("nlu_fallback", 0.5), ("help", 0.3), ("repeat", 0.01)])
    messages, _ = await conv.run(ActionSuggestIntents())
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/help", "/out_of_scope"]


async def test_nothing_likely_says_not_understood_with_the_menu(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    _unsure(conv, "zzz", [("nlu_fallback", 0.5), ("secret_failed", 0.4)])
    messages, _ = await conv.run(ActionSuggestIntents())
    assert responses(messages) == ["utter_not_understood"]


async def test_a_second_miss_in_a_row_offers_a_person(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    _unsure(conv, "chui bloké", [("nlu_fallback", 0.5), ("help", 0.4)])
    await conv.run(ActionSuggestIntents())
    _unsure(conv, "ben non", [("nlu_fallback", 0.5), ("deny", 0.4)])
    messages, _ = await conv.run(ActionSuggestIntents())
    assert responses(messages) == ["utter_not_understood_again"]
    payloads = [
        b["payload"] for b in domain["responses"]["utter_not_understood_again"][0]["buttons"]
    ]
    assert "/talk_to_human" in payloads


async def test_a_miss_after_an_understood_message_offers_buttons_again(
    domain: dict[str, Any],
) -> None:
    conv = Conversation(domain)
    _unsure(conv, "chui bloké", [("nlu_fallback", 0.5), ("help", 0.4)])
    await conv.run(ActionSuggestIntents())
    conv.user("/help", intent="help")
    _unsure(conv, "euh bof", [("nlu_fallback", 0.5), ("help", 0.4)])
    messages, _ = await conv.run(ActionSuggestIntents())
    assert responses(messages) == ["utter_did_you_mean"]


def test_every_user_intent_has_a_button_title(domain: dict[str, Any]) -> None:
    titles = suggestion_titles(domain)
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    wanted = {f"/{i}" for i in intents - {"secret_ok", "secret_failed", "inform"}}
    assert wanted <= set(titles), sorted(wanted - set(titles))
