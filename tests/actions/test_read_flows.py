"""Every reading flow answers a demo parent with their real record data (no error answer),
and every button stays within Telegram's 64-byte callback data."""

from __future__ import annotations

import re
from typing import Any

from actions.appointments import ActionListAppointments
from actions.children import ActionChildHealth, ValidateChildForm
from actions.documents import ActionListDocuments
from actions.emergency import ActionEmergencyInfo, ValidateEmergencyContactForm
from actions.messages import ActionReadMessages
from actions.sharing import ActionAccessHistory, ActionSharingSummary
from tests.actions.conftest import Conversation, responses

ERRORS = {"utter_records_down", "utter_login_first", "utter_error_general", "utter_error_not_found"}


async def test_reading_flows_answer_with_the_record(karim: Conversation) -> None:
    said: dict[str, list[str]] = {}
    for action in (
        ActionListAppointments(),
        ActionListDocuments(),
        ActionAccessHistory(),
        ActionSharingSummary(),
        ActionEmergencyInfo(),
        ActionReadMessages(),
    ):
        messages, _ = await karim.run(action)
        said[action.name()] = responses(messages)
        assert not ERRORS & set(responses(messages)), (action.name(), responses(messages))
        for message in messages:
            for value in message.values():
                assert "None" != value, (action.name(), message)
    assert said["action_sharing_summary"] == ["utter_sharing_summary", "utter_sharing_choices"]


async def test_documents_of_one_kind(karim: Conversation) -> None:
    karim.slots["document_kind"] = "biologie"
    messages, _ = await karim.run(ActionListDocuments())
    said = responses(messages)
    assert said[0] in ("utter_documents_intro_kind", "utter_no_documents")
    assert karim.slots["document_kind"] is None


async def test_a_childs_vaccinations_and_the_next_ones(karim: Conversation) -> None:
    karim.user("/child_health", intent="child_health")
    messages = await karim.form(ValidateChildForm(), "child_form", None)
    assert karim.slots["person_id"] is None, "Karim has 2 children: the assistant asks which"
    assert not responses(messages)
    karim.user("Noah", entities=[{"entity": "child_name", "value": "Noah"}], person="Noah")
    await karim.form(ValidateChildForm(), "child_form", "person")
    assert karim.slots["person"] == "Noah" and karim.slots["person_id"]
    karim.active_loop = None
    messages, _ = await karim.run(ActionChildHealth())
    said = responses(messages)
    # The answer first (obligatory vaccines), at most three bubbles, then the offer of more.
    assert said[0].startswith("utter_vaccines_obligatory_"), said
    assert len(said) <= 4 and said[-1] == "utter_vaccines_more", said
    assert all(m.get("child") in (None, "Noah") for m in messages)
    more = messages[-1]["buttons"]
    assert more and all(len(b["payload"].encode()) <= 64 for b in more), more
    assert more[0]["payload"] == '/child_health{"choice":"Noah"}', more
    for message in messages:  # a date already past is never said "en retard"
        assert "retard" not in str(message.get("when", "")), message

    # "Oui, tous les vaccins": the child is known, the details come at once.
    karim.user(more[0]["payload"], intent="child_health", vaccines_more="Noah")
    await karim.form(ValidateChildForm(), "child_form", None)
    assert karim.slots["person"] == "Noah" and karim.slots["person_id"]
    karim.active_loop = None
    messages, _ = await karim.run(ActionChildHealth())
    said = responses(messages)
    assert said[0] in ("utter_vaccines_done_list", "utter_no_vaccines_done"), said
    assert len(said) <= 3, said
    assert karim.slots["vaccines_more"] is None and karim.slots["person_id"] is None


async def test_emergency_contacts_are_listed_when_adding_one(karim: Conversation) -> None:
    karim.user("/emergency_contact", intent="emergency_contact")
    messages = await karim.form(ValidateEmergencyContactForm(), "emergency_contact_form", None)
    assert responses(messages)[0] in (
        "utter_emergency_contacts_intro",
        "utter_no_emergency_contacts",
    )


def test_button_payloads_fit_telegram(domain: dict[str, Any]) -> None:
    from rasa.core.nlg.interpolator import interpolate_text

    for name, variations in domain["responses"].items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                # Rasa fills {placeholders} in payloads: entity payloads double their braces.
                payload = interpolate_text(button["payload"], {})
                assert len(payload.encode()) <= 64, (name, button)
                if "{" in payload:
                    assert re.fullmatch(r'/[a-z_]+\{"[a-z_]+":"[^"{}]+"\}', payload), payload
