"""Logging in through the actions (the gateway's part played by the test), and what an
anonymous conversation gets."""

from __future__ import annotations

from typing import Any

import pytest

from actions.account import (
    ActionLoginAskPassword,
    ActionLogout,
    ActionSecretFailed,
    ActionSecretOk,
    ValidateCloseAccountForm,
    ValidateLoginForm,
)
from actions.appointments import ActionListAppointments, ValidateAppointmentForm
from actions.emergency import ActionEmergencyInfo
from tests.actions.conftest import (
    DEMO,
    PASSWORD,
    Conversation,
    Records,
    activate,
    customs,
    responses,
)


async def test_login_links_the_conversation(
    records_service: Records, domain: dict[str, Any], karim_token: str
) -> None:
    _birth, _serial, phone, identifier = DEMO["karim"]
    conv = Conversation(domain)
    messages, _ = await conv.run(ActionListAppointments())
    assert responses(messages) == ["utter_login_first"]

    form = ValidateLoginForm()
    conv.user(identifier.upper(), identifier=identifier.upper())
    await conv.form(form, "login_form", "identifier")
    assert conv.slots["identifier"] == identifier
    conv.user("/inform", channel="sms")
    await conv.form(form, "login_form", "channel")
    conv.active_loop = None
    messages, _ = await conv.run(ActionLoginAskPassword())
    secret = customs(messages)[0]["secret_input"]
    assert secret == {"purpose": "login_password", "identifier": identifier, "channel": "sms"}

    # The gateway: password to records, then the code, then the link.
    challenge = records_service.call(
        "POST",
        "/auth/login",
        json={"identifier": identifier, "password": PASSWORD, "channel": "sms"},
    )
    assert challenge.status_code == 200, challenge.text
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="login_password")
    messages, _ = await conv.run(ActionSecretOk())
    assert customs(messages)[0]["secret_input"] == {"purpose": "login_code"}
    token = records_service.call(
        "POST",
        f"/auth/login/{challenge.json()['challenge_id']}/verify",
        json={"code": records_service.last_code(phone)},
    )
    assert token.status_code == 200, token.text
    linked = records_service.call(
        "POST",
        "/assistant/links",
        token=token.json()["token"],
        json={"conversation_id": conv.sender_id},
    )
    assert linked.status_code == 201, linked.text
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="login_code")
    messages, events = await conv.run(ActionSecretOk())
    # The appointments asked for before logging in come next, without asking again.
    assert responses(messages) == ["utter_login_done_then_answer"]
    assert conv.slots["logged_in"] is True and conv.slots["pending_request"] is None
    assert {"event": "followup", "name": "action_list_appointments"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]

    messages, _ = await conv.run(ActionListAppointments())
    assert "utter_login_first" not in responses(messages)


async def test_the_request_before_login_is_remembered_and_forgotten_at_logout(
    domain: dict[str, Any],
) -> None:
    conv = Conversation(domain)
    conv.user("que voit le samu", intent="emergency_info")
    messages, _ = await conv.run(ActionEmergencyInfo())
    assert responses(messages) == ["utter_login_first"]
    assert conv.slots["pending_request"] == "action_emergency_info"
    # A form asked for while logged out is remembered by its name.
    conv.user("/book_appointment", intent="book_appointment")
    await conv.form(ValidateAppointmentForm(), "appointment_form", None)
    assert conv.slots["pending_request"] == "appointment_form"
    conv.user("/logout", intent="logout")
    await conv.run(ActionLogout())
    assert conv.slots["pending_request"] is None


async def test_a_login_without_a_question_waiting_shows_the_menu(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.slots["pending_request"] = "not_an_action"  # never followed: only known actions run
    conv.user("/secret_ok", intent="secret_ok", secret_purpose="login_code")
    messages, events = await conv.run(ActionSecretOk())
    assert responses(messages) == ["utter_login_done"]
    assert not [e for e in events if e.get("event") == "followup"]
    assert conv.slots["pending_request"] is None


async def test_a_conversation_without_link_is_refused_by_records(
    records_service: Records, domain: dict[str, Any]
) -> None:
    # Even if the slot said "logged in", records serves only linked conversations.
    conv = Conversation(domain)
    conv.slots["logged_in"] = True
    messages, events = await conv.run(ActionListAppointments())
    assert responses(messages) == ["utter_login_first"]
    assert conv.slots["logged_in"] is False


async def test_anonymous_forms_end_at_once(domain: dict[str, Any]) -> None:
    conv = Conversation(domain)
    conv.user("/book_appointment", intent="book_appointment")
    assert responses(await conv.form(ValidateAppointmentForm(), "appointment_form", None)) == [
        "utter_login_first"
    ]
    assert conv.slots["requested_slot"] is None
    conv.user("/close_account", intent="close_account")
    said = responses(await conv.form(ValidateCloseAccountForm(), "close_account_form", None))
    assert said == ["utter_refuse_info"]


async def test_a_person_with_only_a_phone_creates_then_closes_her_space(
    records_service: Records, domain: dict[str, Any]
) -> None:
    from actions.account import ActionCloseAccount

    conv = Conversation(domain)
    await activate(conv, records_service, "jeanne")
    assert conv.slots["activation_id"] is None, "the activation's answers are cleared"
    form = ValidateCloseAccountForm()
    conv.user("/close_account", intent="close_account")
    await conv.form(form, "close_account_form", None)
    conv.user("/affirm", intent="affirm", close_confirm=True)
    await conv.form(form, "close_account_form", "close_confirm")
    conv.user("/deny", intent="deny", delete_data=False)
    await conv.form(form, "close_account_form", "delete_data")
    conv.active_loop = None
    messages, _ = await conv.run(ActionCloseAccount())
    assert responses(messages) == ["utter_account_closed"]
    assert conv.slots["logged_in"] is False
    refused = records_service.call("GET", "/me/people", conversation=conv.sender_id)
    assert refused.status_code == 401, refused.text  # the link ended with the account
    assert refused.json()["error"]["code"] == "conversation_not_linked"


@pytest.mark.parametrize("intent", ["secret_ok", "secret_failed"])
async def test_a_typed_gateway_token_is_not_believed(domain: dict[str, Any], intent: str) -> None:
    # After a failed login code the purpose slot still says login_code; the user types the
    # NLU token of the gateway's signal: NLU reads secret_ok, but without the gateway's entity.
    conv = Conversation(domain)
    conv.slots.update(secret_purpose="login_code", secret_error="code_invalid")
    conv.user(f"__{intent}__", intent=intent)
    action = ActionSecretOk() if intent == "secret_ok" else ActionSecretFailed()
    messages, events = await conv.run(action)
    assert responses(messages) == ["utter_not_understood"]
    assert events == [] and conv.slots.get("logged_in") is not True


async def test_logout_ends_the_link_and_tells_the_gateway(
    records_service: Records, karim: Conversation
) -> None:
    assert records_service.call("GET", "/me/people", conversation=karim.sender_id).ok
    karim.user("je me déconnecte", intent="logout")
    messages, _ = await karim.run(ActionLogout())
    assert responses(messages) == ["utter_logged_out"]
    assert customs(messages) == [{"logout": True}]
    assert karim.slots["logged_in"] is False
    # Records no longer serves this conversation.
    after = records_service.call("GET", "/me/people", conversation=karim.sender_id)
    assert after.status_code == 401, after.text
    # Logging out again: nothing to end, the assistant says so, the gateway forgets anyway.
    messages, _ = await karim.run(ActionLogout())
    assert responses(messages) == ["utter_not_logged_in"]
    assert customs(messages) == [{"logout": True}]
