"""The one place that turns records' error codes into easy-to-read responses.

Actions branch on `code`, never on records' message (docs/contracts.md). Unknown codes get
a general answer that offers the 3422 helpline.
"""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.records_client import RecordsError, RecordsUnavailable

# records error code → domain response
ERROR_RESPONSES: dict[str, str] = {
    # the conversation is not (or no longer) linked to a logged-in user
    "unauthenticated": "utter_login_first",
    "conversation_required": "utter_login_first",
    "conversation_not_linked": "utter_login_first",
    "link_not_found": "utter_login_first",
    "session_expired": "utter_session_expired",
    # activation: identity and steps
    "invalid_birth_date": "utter_invalid_birth_date",
    "invalid_vitale_serial": "utter_invalid_vitale_serial",
    "serial_or_code_required": "utter_invalid_vitale_serial",
    "identity_not_found": "utter_error_identity_not_found",
    "already_activated": "utter_error_already_activated",
    "refusal_after_activation": "utter_error_already_activated",
    "invalid_mode": "utter_invalid_activation_mode",
    "representative_missing": "utter_error_representative_missing",
    "no_contact": "utter_error_no_contact",
    "activation_not_found": "utter_error_activation_restart",
    "activation_expired": "utter_error_activation_restart",
    "step_out_of_order": "utter_error_activation_restart",
    # codes (outcomes of secrets, sent back by the gateway)
    "invalid_channel": "utter_invalid_channel",
    "channel_unavailable": "utter_error_channel_unavailable",
    "too_many_codes": "utter_error_too_many_codes",
    "no_code": "utter_error_code_expired",
    "invalid_code_format": "utter_error_code_format",
    "wrong_code": "utter_error_code_wrong",
    "code_expired": "utter_error_code_expired",
    "too_many_tries": "utter_error_code_expired",
    "challenge_not_found": "utter_error_login_restart",
    "challenge_expired": "utter_error_login_restart",
    # contacts and terms
    "invalid_phone": "utter_invalid_phone",
    "invalid_email": "utter_invalid_email",
    "contact_required": "utter_error_contact_required",
    "terms_not_accepted": "utter_terms_needed",
    # identifier and password
    "identifier_too_short": "utter_invalid_identifier",
    "identifier_too_long": "utter_invalid_identifier",
    "identifier_invalid_characters": "utter_invalid_identifier",
    "identifier_is_email": "utter_invalid_identifier_email",
    "identifier_is_nir": "utter_invalid_identifier_nir",
    "identifier_taken": "utter_error_identifier_taken",
    "password_too_short": "utter_error_password_weak",
    "password_too_long": "utter_error_password_weak",
    "password_needs_lowercase": "utter_error_password_weak",
    "password_needs_uppercase": "utter_error_password_weak",
    "password_needs_digit": "utter_error_password_weak",
    "password_needs_special": "utter_error_password_weak",
    "password_too_common": "utter_error_password_common",
    # login
    "wrong_credentials": "utter_error_login_wrong",
    "too_many_attempts": "utter_error_too_many_attempts",
    # record routes
    "not_found": "utter_error_not_found",
    "forbidden": "utter_error_forbidden",
    "excluded_organisation": "utter_privacy_never",
    "not_authenticated": "utter_login_first",
    "second_parent_not_found": "utter_error_other_parent",
    "already_shared": "utter_error_already_shared",
    "not_a_child": "utter_invalid_child",
    "appointment_in_past": "utter_invalid_appointment_past",
    "invalid_request": "utter_error_invalid_value",
}

LOGIN_CODES = {
    "unauthenticated",
    "not_authenticated",
    "conversation_required",
    "conversation_not_linked",
    "link_not_found",
    "session_expired",
}


def response_for_code(code: str, status: int = 400) -> str:
    if code in ERROR_RESPONSES:
        return ERROR_RESPONSES[code]
    if status == 401:
        return "utter_session_expired"
    if status == 404:
        return "utter_error_not_found"
    if status == 403:
        return "utter_error_forbidden"
    if status == 429:
        return "utter_error_too_many_attempts"
    if status == 422:
        return "utter_error_invalid_value"
    return "utter_error_general"


def answer_failure(
    dispatcher: CollectingDispatcher, tracker: Tracker, error: Exception
) -> list[EventType]:
    """Tell the user, in easy words, why it did not work; return events to apply."""
    if isinstance(error, RecordsUnavailable):
        dispatcher.utter_message(response="utter_records_down")
        return []
    if isinstance(error, RecordsError):
        dispatcher.utter_message(response=response_for_code(error.code, error.status))
        if error.status == 401 or error.code in LOGIN_CODES:
            # The link between this conversation and the account ended: log out here too.
            return [SlotSet("logged_in", False)]
        return []
    raise error
