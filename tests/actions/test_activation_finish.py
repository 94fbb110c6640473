"""An activation that finishes: every step announced has happened, "recommencer" starts
again, the guidance after a wrong code or a limit is coherent, one contact accepts "ok", the
identifier is said back, the contacts are shown in full after the code, the terms' lines come
from records, and the welcome letter's code replaces the Vitale serial. Real records."""

from __future__ import annotations

from typing import Any

from actions.account import (
    ActionActivationAskCode,
    ActionAskContactsOk,
    ActionAskTermsAccepted,
    ActionSecretFailed,
    ActionSecretOk,
    ValidateActivationDetailsForm,
    ValidateActivationForm,
)
from actions.common import ActionHelp
from tests.actions.conftest import Conversation, Records, responses


async def _to_channel(conv: Conversation, birth: str, serial: str) -> list[dict[str, Any]]:
    form = ValidateActivationForm()
    conv.user("seul", activation_mode="seul")
    await conv.form(form, "activation_form", "activation_mode")
    conv.user(birth, birth_date=birth)
    await conv.form(form, "activation_form", "birth_date")
    conv.user(serial, vitale_serial=serial)
    return await conv.form(form, "activation_form", "vitale_serial")


async def test_asking_to_create_again_really_starts_again(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    await _to_channel(conv, "25/01/1990", "1000000505")  # Julie, activated by no other test
    assert conv.slots["activation_id"]
    # Left at the password step: the second run of the form must not say a code was sent.
    conv.slots.update(
        requested_slot=None, channel="sms", activation_step="credentials",
        secret_pending="activation_password", identifier="camille1985",
    )  # fmt: skip
    conv.active_loop = None
    conv.user("/create_account", intent="create_account")
    messages = await conv.form(ValidateActivationForm(), "activation_form", None)
    assert responses(messages) == ["utter_activation_intro"]
    for name in ("activation_id", "activation_step", "channel", "identifier", "secret_pending"):
        assert conv.slots[name] is None, name
    # Without a code sent in this try, the code question never claims one.
    conv.slots.update(activation_id="a-old", channel="sms", activation_step="credentials")
    messages, _ = await conv.run(ActionActivationAskCode())
    assert "utter_ask_activation_code" not in responses(messages)


async def test_the_rate_limit_is_not_followed_by_the_question(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots.update(activation_id="a-1", secret_purpose="activation_code")
    conv.user("/secret_failed", intent="secret_failed", secret_error="too_many_attempts")
    messages, _ = await conv.run(ActionSecretFailed())
    assert responses(messages) == ["utter_error_too_many_attempts"]
    assert not any(m.get("custom") for m in messages)
    assert conv.slots["secret_pending"] is None


async def test_help_at_the_password_step_does_not_talk_of_a_code(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots.update(secret_pending="activation_password")
    conv.user("aide", intent="help")
    said = responses((await conv.run(ActionHelp()))[0])
    assert said == ["utter_help_password", "utter_help_in_form_ways_out"]
    conv.slots.update(secret_pending="activation_code")
    said = responses((await conv.run(ActionHelp()))[0])
    assert said == ["utter_help_code", "utter_help_secret_ways_out"]


async def test_one_contact_accepts_ok_and_the_refusal_names_only_that_contact(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    await _to_channel(conv, "2 février 1948", "1000000707")  # Jeanne: a phone, no mail
    assert conv.slots["contact_sms"] and not conv.slots["contact_email"]
    form = ValidateActivationForm()
    conv.user("euh", channel="euh")
    said = responses(await conv.form(form, "activation_form", "channel"))
    assert said == ["utter_invalid_channel_sms_only"]
    conv.user("ok", intent="affirm", channel="ok")
    await conv.form(form, "activation_form", "channel")
    assert conv.slots["channel"] == "sms" and conv.slots["activation_step"] == "code"


async def test_the_identifier_is_said_back_and_can_be_changed(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots.update(activation_id="a-1", activation_step="credentials", contacts_ok=True)
    conv.slots.update(terms_accepted=True)
    details = ValidateActivationDetailsForm()
    conv.user("Camille Martin", identifier="Camille Martin")
    await conv.form(details, "activation_details_form", "identifier")
    assert conv.slots["identifier"] == "camillemartin"
    assert conv.slots["identifier_confirm"] is None  # asked next, with the identifier
    template = domain["responses"]["utter_ask_identifier_confirm"][0]["text"]
    assert "{identifier}" in template
    conv.user("non", intent="deny", identifier_confirm=False)
    await conv.form(details, "activation_details_form", "identifier_confirm")
    assert conv.slots["identifier"] is None and conv.slots["identifier_confirm"] is None


async def test_the_space_created_message_repeats_the_identifier(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots.update(identifier="camillemartin", secret_purpose="activation_final_code")
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="activation_final_code")
    messages, _ = await conv.run(ActionSecretOk())
    assert messages[0]["response"] == "utter_activation_done"
    assert messages[0]["identifier"] == "camillemartin"
    assert "{identifier}" in domain["responses"]["utter_activation_done"][0]["text"]


async def test_contacts_in_full_after_the_code_and_the_terms_from_records(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    await _to_channel(conv, "15 juin 1958", "1000000303")  # Hélène, activated by no other test
    form = ValidateActivationForm()
    conv.user("sms", channel="sms")
    await conv.form(form, "activation_form", "channel")
    activation_id = conv.slots["activation_id"]
    code = records_service.last_code("+33645678978")
    verified = records_service.call(
        "POST", f"/activations/{activation_id}/code/verify", json={"code": code}
    )
    assert verified.status_code == 200, verified.text
    messages, _ = await conv.run(ActionAskContactsOk())
    assert messages[0]["response"] == "utter_ask_contacts_ok"
    assert messages[0]["contact_sms"] == "06 45 67 89 78"
    assert messages[0]["contact_email"] == "helene.petit@example.org"

    terms = records_service.call("GET", "/terms").json()["lines"]
    messages, _ = await conv.run(ActionAskTermsAccepted())
    assert responses(messages) == ["utter_terms_lines", "utter_ask_terms_accepted_after_lines"]
    assert messages[0]["lines"].split("\n") == terms and len(terms) >= 6


async def test_the_welcome_letter_code_replaces_the_serial(
    records_service: Records, domain: dict[str, Any]
) -> None:
    conv = Conversation(domain)
    said = responses(
        await _to_channel(conv, "10/10/2001", "jai pas la carte, jai le code du courrier PAUL2026")
    )
    assert "utter_invalid_vitale_serial" not in said, said
    assert conv.slots["activation_id"] and conv.slots["contact_email"]


async def test_with_a_professional_the_helper_is_asked_and_sent(
    records_service: Records, domain: dict[str, Any]
) -> None:
    import sqlite3

    conv = Conversation(domain)
    form = ValidateActivationForm()
    conv.user("avec un professionnel", activation_mode="professionnel")
    await conv.form(form, "activation_form", "activation_mode")
    assert conv.slots["activation_mode"] == "professional"
    required = await form.required_slots(
        domain["forms"]["activation_form"]["required_slots"], None, conv.tracker(), domain
    )  # type: ignore[arg-type]
    assert "helper_name" in required
    conv.user("la pharmacie du centre", helper_name="la pharmacie du centre")
    await conv.form(form, "activation_form", "helper_name")
    conv.user("30/06/1995", birth_date="30/06/1995")
    await conv.form(form, "activation_form", "birth_date")
    conv.user("1000000909", vitale_serial="1000000909")
    await conv.form(form, "activation_form", "vitale_serial")
    assert conv.slots["activation_id"]
    with sqlite3.connect(records_service.data_dir / "records.db") as db:
        kind, helper = db.execute(
            "SELECT helper_kind, helper_id FROM activations WHERE id = ?",
            (conv.slots["activation_id"],),
        ).fetchone()
    assert (kind, helper) == ("professional", "la pharmacie du centre")
    # Alone, nobody is asked for.
    alone = Conversation(domain)
    alone.user("seul", activation_mode="seul")
    await alone.form(form, "activation_form", "activation_mode")
    required = await form.required_slots(
        domain["forms"]["activation_form"]["required_slots"], None, alone.tracker(), domain
    )  # type: ignore[arg-type]
    assert "helper_name" not in required
