"""Creating a demo person's space through the activation actions, against real records."""

from __future__ import annotations

from typing import Any

from actions.account import ActionSecretFailed, ValidateActivationForm
from tests.actions.conftest import Conversation, Records, activate, responses


async def test_activation_of_a_demo_person_completes(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    token = await activate(conv, records_service, "camille")
    # The conversation now reads Camille's record, and only hers.
    me = records_service.call("GET", "/me/people", conversation=conv.sender_id)
    assert me.status_code == 200, me.text
    assert [p["first_name"] for p in me.json() if p["relation"] == "self"] == ["Camille"]
    assert token
    # No password or code ever went into a slot.
    assert all("Bonjour-Sante" not in str(v) for v in conv.slots.values())


async def test_wrong_serial_asks_again_and_offers_help_after_two_failures(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    form = ValidateActivationForm()
    conv.user("seul", activation_mode="seul")
    await conv.form(form, "activation_form", "activation_mode")
    conv.user("1er mai 1990", birth_date="1er mai 1990")
    await conv.form(form, "activation_form", "birth_date")
    conv.user("99999999", vitale_serial="99999999")
    first = responses(await conv.form(form, "activation_form", "vitale_serial"))
    assert first == ["utter_error_identity_not_found"]
    assert conv.slots["vitale_serial"] is None and conv.slots["birth_date"] is None
    assert conv.slots["activation_mode"] == "alone", "the other answers are kept"
    conv.user("pas de date", birth_date="pas de date")
    second = responses(await conv.form(form, "activation_form", "birth_date"))
    assert second == ["utter_invalid_birth_date"]
    conv.user("toujours pas", birth_date="toujours pas")
    third = responses(await conv.form(form, "activation_form", "birth_date"))
    assert third == ["utter_invalid_birth_date", "utter_offer_help"]


async def test_wrong_code_is_explained_and_asked_again(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots.update(activation_id="a-1", secret_purpose="activation_code")
    conv.user("/secret_failed", intent="secret_failed", secret_error="wrong_code")
    messages, _ = await conv.run(ActionSecretFailed())
    # Asked again without "je vous ai envoyé un code": nothing new was sent.
    assert responses(messages) == ["utter_error_code_wrong", "utter_ask_code_again"]
    assert messages[-1]["custom"] == {
        "secret_input": {"purpose": "activation_code", "activation_id": "a-1"}
    }
    conv.user("/secret_failed", intent="secret_failed", secret_error="wrong_code")
    messages, _ = await conv.run(ActionSecretFailed())
    assert "utter_offer_help" in responses(messages)
