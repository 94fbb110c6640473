"""Creating the space (activation, SPEC §3.2), logging in, secrets, lost codes, closing.

Passwords and one-time codes never reach Rasa (SPEC §4.3): these actions send the gateway
a `secret_input` payload and go on with the `secret_ok`/`secret_failed` outcome it sends back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import (
    ACTIVATION_SLOTS,
    FAILURES_SLOT,
    FORM_SLOTS,
    PENDING_SLOT,
    CountingFormValidation,
    RecordsAction,
    clear_slots,
    conversation,
)
from actions.errors import answer_failure, response_for_code
from actions.formatting import parse_birth_date
from actions.records_client import RecordsError, RecordsUnavailable, records

IDENTIFIER = re.compile(r"^[a-z0-9]{8,100}$")
PHONE = re.compile(r"^(?:\+33|0033|0)[1-9]\d{8}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
CHANNELS = {"sms": "sms", "texto": "sms", "email": "email", "mail": "email", "e-mail": "email"}
RESTART_CODES = {"activation_not_found", "activation_expired", "step_out_of_order"}
EXPIRED_CODES = {"code_expired", "too_many_tries", "no_code", "too_many_codes"}
# Limits that say "wait": asking for the secret again at once would contradict them.
WAIT_CODES = {"too_many_attempts", "too_many_codes"}
# Typed at a step with one choice (one contact): the person agrees.
AGREE = {
    "ok",
    "oui",
    "okay",
    "oki",
    "dac",
    "d'accord",
    "daccord",
    "d accord",
    "ouais",
    "oui merci",
    "ok merci",
    "c'est bon",
    "cest bon",
    "vas-y",
    "vas y",
    "go",
    "yes",
    "bien sur",
    "bien sûr",
}
# A welcome letter's code: letters and digits (a Vitale serial has only digits).
WELCOME_CODE = re.compile(r"\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{6,12}\b", re.IGNORECASE)
GATEWAY_ENTITIES = {"secret_purpose", "secret_error"}
LOGIN_RESTART_CODES = {"challenge_not_found", "challenge_expired"}
IDENTIFIER_CODES = {
    "identifier_too_short", "identifier_too_long", "identifier_invalid_characters",
    "identifier_is_email", "identifier_is_nir", "identifier_taken",
}  # fmt: skip


def _plain(text: Any) -> str:
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def ask_secret(
    dispatcher: CollectingDispatcher, response: str, purpose: str, **extra: Any
) -> list[EventType]:
    """Ask for a secret: the gateway takes the next input out of the conversation."""
    dispatcher.utter_message(
        response=response, json_message={"secret_input": {"purpose": purpose, **extra}}
    )
    return [SlotSet("secret_pending", purpose)]


def ask_activation_code(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    return ask_secret(
        dispatcher,
        "utter_ask_activation_code",
        "activation_code",
        activation_id=tracker.get_slot("activation_id"),
    )


def ask_activation_password(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    response: str = "utter_ask_activation_password",
) -> list[EventType]:
    return ask_secret(
        dispatcher,
        response,
        "activation_password",
        activation_id=tracker.get_slot("activation_id"),
        identifier=tracker.get_slot("identifier"),
        channel=tracker.get_slot("channel") or "sms",
    )


def ask_login_password(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    return ask_secret(
        dispatcher,
        "utter_ask_login_password",
        "login_password",
        identifier=tracker.get_slot("identifier"),
        channel=tracker.get_slot("channel") or "sms",
    )


def normalise_channel(value: Any) -> str | None:
    return CHANNELS.get(_plain(value).removeprefix("par ").strip())


def normalise_identifier(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)).lower()


# --- activation ----------------------------------------------------------------------------


class ValidateActivationForm(CountingFormValidation):
    """Mode, birth date, Vitale serial (checked by records), then the channel for the code."""

    needs_login = False

    def name(self) -> str:
        return "validate_activation_form"

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("logged_in"):
            dispatcher.utter_message(response="utter_already_logged_in")
            self.stop_form(tracker)
        elif tracker.get_slot("requested_slot") is None:
            dispatcher.utter_message(response="utter_activation_intro")
            if any(tracker.get_slot(name) is not None for name in ACTIVATION_SLOTS):
                # Asked again ("Créer mon espace santé", "Recommencer"): really start again,
                # nothing of the earlier try is said or sent again.
                tracker.start_again = True  # type: ignore[attr-defined]
                return clear_slots(ACTIVATION_SLOTS) + [
                    SlotSet("secret_pending", None),
                    SlotSet(FAILURES_SLOT, None),
                ]
        return []

    def validate_activation_mode(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _plain(value)
        if any(w in text for w in ("tuteur", "tutrice", "curat", "represent", "tutelle")):
            return self.accept(tracker, "activation_mode", "representative")
        if any(w in text for w in ("profession", "pharmac", "3422", "conseiller", "agent")):
            return self.accept(tracker, "activation_mode", "professional")
        if any(w in text for w in ("seul", "moi", "alone", "tout")):
            return self.accept(tracker, "activation_mode", "alone")
        return self.reject(dispatcher, tracker, "activation_mode", "utter_invalid_activation_mode")

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # Only an activation with a professional asks who helps (records keeps the helper).
        if tracker.get_slot("activation_mode") == "professional":
            return domain_slots
        return [slot for slot in domain_slots if slot != "helper_name"]

    def validate_helper_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = " ".join(str(value or "").split())
        if not 2 <= len(name) <= 100 or not any(c.isalpha() for c in name):
            return self.reject(dispatcher, tracker, "helper_name", "utter_invalid_helper_name")
        return self.accept(tracker, "helper_name", name)

    def validate_birth_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        born = parse_birth_date(str(value))
        if born is None:
            return self.reject(dispatcher, tracker, "birth_date", "utter_invalid_birth_date")
        return self.accept(tracker, "birth_date", born.isoformat())

    async def validate_vitale_serial(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        serial = re.sub(r"[\s.-]", "", str(value))
        welcome = WELCOME_CODE.search(str(value))
        if welcome is None and len(str(value)) <= 16:
            welcome = WELCOME_CODE.search(re.sub(r"[\s.-]", "", str(value)))  # "paul 2026"
        body: dict[str, Any] = {
            "birth_date": tracker.get_slot("birth_date"),
            "mode": tracker.get_slot("activation_mode") or "alone",
        }
        if body["mode"] == "professional" and tracker.get_slot("helper_name"):
            body["helper_id"] = tracker.get_slot("helper_name")  # who helps, kept by records
        if serial.isdigit() and 4 <= len(serial) <= 30:
            body["vitale_serial"] = serial
        elif welcome is not None:
            # No card at hand: the code of the welcome letter proves the person instead.
            serial = welcome.group(0).upper()
            body["welcome_code"] = serial
        else:
            return self.reject(dispatcher, tracker, "vitale_serial", "utter_invalid_vitale_serial")
        if tracker.get_slot("activation_id") and tracker.get_slot("activation_step") != "serial":
            return {"vitale_serial": serial}  # already checked by records (form re-validation)
        try:
            started = await records.post("/activations", conversation(tracker), body)
        except RecordsError as error:
            if error.code in ("identity_not_found", "invalid_birth_date"):
                # The date or the serial is wrong: ask both again.
                result = self.reject(
                    dispatcher, tracker, "vitale_serial", "utter_error_identity_not_found"
                )
                return {**result, "birth_date": None}
            if error.code in ("invalid_vitale_serial", "serial_or_code_required"):
                return self.reject(
                    dispatcher, tracker, "vitale_serial", "utter_invalid_vitale_serial"
                )
            # Already activated, no contact, no representative: this activation cannot go on.
            answer_failure(dispatcher, tracker, error)
            self.stop_form(tracker)
            return {"vitale_serial": None}
        except RecordsUnavailable as error:
            return self.failure(dispatcher, tracker, "vitale_serial", error)
        contacts = started.get("contacts") or {}
        return self.accept(
            tracker,
            "vitale_serial",
            serial,
            activation_id=started["activation_id"],
            activation_step=started.get("step", "code_channel"),
            contact_sms=contacts.get("sms"),
            contact_email=contacts.get("email"),
        )

    async def validate_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = normalise_channel(value)
        only = _known_contacts(tracker)
        if channel is None and only and _agrees(value, tracker):
            channel = "sms" if only == "_sms_only" else "email"
        if channel is None:
            return self.reject(dispatcher, tracker, "channel", f"utter_invalid_channel{only}")
        activation_id = tracker.get_slot("activation_id")
        if not activation_id:
            return {"channel": None}
        if tracker.get_slot("activation_step") not in (None, "code_channel", "code"):
            return {"channel": channel}
        try:
            sent = await records.post(
                f"/activations/{activation_id}/code", conversation(tracker), {"channel": channel}
            )
        except RecordsError as error:
            if error.code in RESTART_CODES:
                answer_failure(dispatcher, tracker, error)
                self.stop_form(tracker)
                return {"channel": None}
            return self.failure(dispatcher, tracker, "channel", error)
        except RecordsUnavailable as error:
            return self.failure(dispatcher, tracker, "channel", error)
        return self.accept(tracker, "channel", channel, activation_step=sent.get("step", "code"))


def _agrees(value: Any, tracker: Tracker) -> bool:
    """ "ok", "oui", "d'accord"... (or the affirm intent) to a question with one choice."""
    if (tracker.latest_message.get("intent") or {}).get("name") == "affirm":
        return True
    text = re.sub(r"[!.?,\s]+", " ", _plain(value)).strip()
    return text in AGREE


def _known_contacts(tracker: Tracker) -> str:
    """Which contacts records knows: "", "_sms_only" or "_email_only" (response suffix)."""
    sms, email = tracker.get_slot("contact_sms"), tracker.get_slot("contact_email")
    if sms and not email:
        return "_sms_only"
    if email and not sms:
        return "_email_only"
    return ""


class ActionAskActivationChannel(Action):
    """SMS or mail, showing the masked contacts records knows (only those)."""

    def name(self) -> str:
        return "action_ask_activation_form_channel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response=f"utter_ask_channel{_known_contacts(tracker)}")
        return []


class ActionAskContactsOk(Action):
    def name(self) -> str:
        return "action_ask_contacts_ok"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # The code proved the person: records gives the contacts in full, to check them.
        shown: dict[str, Any] = {}
        try:
            state = await records.get(
                f"/activations/{tracker.get_slot('activation_id')}", conversation(tracker)
            )
            full = state.get("verified_contacts") or {}
            shown = {"contact_sms": full.get("phone"), "contact_email": full.get("email")}
        except (RecordsError, RecordsUnavailable):
            pass  # the masked contacts still say which phone and mail records knows
        shown = {k: v for k, v in shown.items() if v}
        response = f"utter_ask_contacts_ok{_known_contacts(tracker)}"
        dispatcher.utter_message(response=response, **shown)
        return []


class ActionAskTermsAccepted(Action):
    """The terms' easy-to-read lines, as records gives them, then "Acceptez-vous ?"."""

    def name(self) -> str:
        return "action_ask_terms_accepted"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            terms = await records.get("/terms", None)
            lines = [str(line) for line in terms.get("lines") or [] if str(line).strip()]
        except (RecordsError, RecordsUnavailable, AttributeError):
            lines = []
        if not lines:
            dispatcher.utter_message(response="utter_ask_terms_accepted")
            return []
        dispatcher.utter_message(response="utter_terms_lines", lines="\n".join(lines))
        dispatcher.utter_message(response="utter_ask_terms_accepted_after_lines")
        return []


class ActionActivationAskCode(RecordsAction):
    """After the first form: the code is on its way; ask for it as a secret."""

    needs_login = False

    def name(self) -> str:
        return "action_activation_ask_code"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("activation_id") or not tracker.get_slot("channel"):
            return clear_slots(ACTIVATION_SLOTS)  # the form stopped early: it said why
        if tracker.get_slot("activation_step") != "code":
            # No code was sent in this try: never say one was.
            dispatcher.utter_message(response="utter_error_activation_restart")
            return clear_slots(ACTIVATION_SLOTS)
        return ask_activation_code(dispatcher, tracker)


class ValidateActivationDetailsForm(CountingFormValidation):
    """Check the contact details, accept the terms, choose an identifier."""

    needs_login = False

    def name(self) -> str:
        return "validate_activation_details_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("contacts_ok") is False:
            return [
                "contacts_ok", "new_phone", "new_email", "terms_accepted", "identifier",
                "identifier_confirm",
            ]  # fmt: skip
        return ["contacts_ok", "terms_accepted", "identifier", "identifier_confirm"]

    async def _put_contacts(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, body: dict[str, str]
    ) -> dict[str, Any] | None:
        """PUT the contacts while records is at that step; None when it worked."""
        if tracker.get_slot("activation_step") != "contacts":
            return None
        try:
            answer = await records.put(
                f"/activations/{tracker.get_slot('activation_id')}/contacts",
                conversation(tracker),
                body,
            )
        except (RecordsError, RecordsUnavailable) as error:
            if isinstance(error, RecordsError) and error.code in RESTART_CODES:
                answer_failure(dispatcher, tracker, error)
                self.stop_form(tracker)
                return {slot: None}
            return self.failure(dispatcher, tracker, slot, error)
        tracker.slots["activation_step"] = answer.get("step", "terms")
        return None

    async def validate_contacts_ok(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            if tracker.get_slot("activation_step") != "contacts":
                return {"contacts_ok": True}  # already saved (the form checks its answers again)
            problem = await self._put_contacts(dispatcher, tracker, "contacts_ok", {})
            if problem is not None:
                return problem
            dispatcher.utter_message(response="utter_contacts_saved")
            return self.accept(
                tracker, "contacts_ok", True, activation_step=tracker.get_slot("activation_step")
            )
        if value is False:
            return self.accept(tracker, "contacts_ok", False)
        return self.reject(dispatcher, tracker, "contacts_ok", "utter_please_yes_or_no")

    def validate_new_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "keep":
            return self.accept(tracker, "new_phone", "keep")
        phone = re.sub(r"[\s.-]", "", str(value))
        if not PHONE.match(phone):
            return self.reject(dispatcher, tracker, "new_phone", "utter_invalid_phone")
        return self.accept(tracker, "new_phone", phone)

    async def validate_new_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = str(value).strip()
        if tracker.get_slot("activation_step") != "contacts":
            return {"new_email": email}  # already saved (the form checks its answers again)
        if email != "keep" and not EMAIL.match(email):
            return self.reject(dispatcher, tracker, "new_email", "utter_invalid_email")
        body = {}
        if tracker.get_slot("new_phone") not in (None, "keep"):
            body["phone"] = tracker.get_slot("new_phone")
        if email != "keep":
            body["email"] = email
        problem = await self._put_contacts(dispatcher, tracker, "new_email", body)
        if problem is not None:
            if isinstance(problem, dict) and problem.get(FAILURES_SLOT) is not None:
                problem["new_phone"] = None  # records refused one of them: ask both again
            return problem
        dispatcher.utter_message(response="utter_contacts_saved")
        return self.accept(
            tracker, "new_email", email, activation_step=tracker.get_slot("activation_step")
        )

    async def validate_terms_accepted(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is not True:
            return self.reject(dispatcher, tracker, "terms_accepted", "utter_terms_needed")
        if tracker.get_slot("activation_step") == "terms":
            try:
                answer = await records.post(
                    f"/activations/{tracker.get_slot('activation_id')}/terms",
                    conversation(tracker),
                    {"accepted": True},
                )
            except RecordsError as error:
                if error.code in RESTART_CODES:
                    answer_failure(dispatcher, tracker, error)
                    self.stop_form(tracker)
                    return {"terms_accepted": None}
                return self.failure(dispatcher, tracker, "terms_accepted", error)
            except RecordsUnavailable as error:
                return self.failure(dispatcher, tracker, "terms_accepted", error)
            return self.accept(
                tracker, "terms_accepted", True, activation_step=answer.get("step", "credentials")
            )
        return self.accept(tracker, "terms_accepted", True)

    def validate_identifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        identifier = normalise_identifier(value)
        if "@" in identifier:
            return self.reject(dispatcher, tracker, "identifier", "utter_invalid_identifier_email")
        if identifier.isdigit() and len(identifier) in (13, 15):
            return self.reject(dispatcher, tracker, "identifier", "utter_invalid_identifier_nir")
        if not IDENTIFIER.match(identifier):
            return self.reject(dispatcher, tracker, "identifier", "utter_invalid_identifier")
        # Said back next (utter_ask_identifier_confirm): the person sees what to type later.
        return self.accept(tracker, "identifier", identifier, identifier_confirm=None)

    def validate_identifier_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is True:
            return self.accept(tracker, "identifier_confirm", True)
        if value is False:
            return {"identifier": None, "identifier_confirm": None}  # choose another one
        return self.reject(dispatcher, tracker, "identifier_confirm", "utter_please_yes_or_no")


class ActionActivationAskPassword(RecordsAction):
    needs_login = False

    def name(self) -> str:
        return "action_activation_ask_password"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("identifier") or not tracker.get_slot("activation_id"):
            return clear_slots(ACTIVATION_SLOTS)
        return ask_activation_password(dispatcher, tracker)


# --- login ---------------------------------------------------------------------------------


class ValidateLoginForm(CountingFormValidation):
    needs_login = False

    def name(self) -> str:
        return "validate_login_form"

    async def before_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("logged_in"):
            dispatcher.utter_message(response="utter_already_logged_in")
            self.stop_form(tracker)
        return []

    def validate_identifier(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        identifier = normalise_identifier(value)
        if not IDENTIFIER.match(identifier):
            return self.reject(dispatcher, tracker, "identifier", "utter_invalid_login_identifier")
        return self.accept(tracker, "identifier", identifier)

    def validate_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        channel = normalise_channel(value)
        if channel is None:
            return self.reject(dispatcher, tracker, "channel", "utter_invalid_channel")
        return self.accept(tracker, "channel", channel)


class ActionLoginAskPassword(RecordsAction):
    needs_login = False

    def name(self) -> str:
        return "action_login_ask_password"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("identifier") or not tracker.get_slot("channel"):
            return []
        return ask_login_password(dispatcher, tracker)


# --- outcomes of secrets -------------------------------------------------------------------


def sent_by_gateway(tracker: Tracker) -> bool:
    """The outcome came as the gateway's command: only a command carries `secret_purpose` or
    `secret_error`.

    No NLU example annotates those entities, so a user typing the intent's NLU token (which the
    gateway removes anyway) reaches these actions without them and is not believed.
    """
    entities = tracker.latest_message.get("entities") or []
    return any(e.get("entity") in GATEWAY_ENTITIES and e.get("value") for e in entities)


class ActionSecretOk(RecordsAction):
    """The gateway says a secret was right: go to the next step."""

    needs_login = False

    def name(self) -> str:
        return "action_secret_ok"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not sent_by_gateway(tracker):
            dispatcher.utter_message(response="utter_not_understood")
            return []
        purpose = tracker.get_slot("secret_purpose")
        events: list[EventType] = [SlotSet("secret_pending", None), SlotSet("secret_failures", 0)]
        if purpose == "activation_code":
            dispatcher.utter_message(response="utter_code_ok")
            return events + [SlotSet("activation_step", "contacts")]
        if purpose == "activation_password":
            return events + ask_secret(
                dispatcher,
                "utter_ask_activation_final_code",
                "activation_final_code",
                activation_id=tracker.get_slot("activation_id"),
            )
        if purpose == "activation_final_code":
            # The identifier once more, to keep: it is what the person types to log in.
            dispatcher.utter_message(
                response="utter_activation_done", identifier=tracker.get_slot("identifier") or ""
            )
            return (
                events
                + clear_slots(ACTIVATION_SLOTS)
                + [SlotSet("logged_in", True)]
                + answer_pending(tracker, domain)
            )
        if purpose == "login_password":
            return events + ask_secret(dispatcher, "utter_ask_login_code", "login_code")
        if purpose == "login_code":
            pending = answer_pending(tracker, domain)
            # With a question waiting, the answer follows at once instead of the menu.
            answers = any(e.get("event") == "followup" for e in pending)
            done = "utter_login_done_then_answer" if answers else "utter_login_done"
            dispatcher.utter_message(response=done)
            return (
                events
                + clear_slots(FORM_SLOTS["login_form"])
                + [SlotSet("logged_in", True)]
                + pending
            )
        return events


def answer_pending(tracker: Tracker, domain: DomainDict) -> list[EventType]:
    """Run next what the person asked before logging in, so they need not ask again."""
    pending = tracker.get_slot(PENDING_SLOT)
    if not pending:
        return []
    known = pending in (domain.get("actions") or []) or pending in (domain.get("forms") or {})
    return [SlotSet(PENDING_SLOT, None)] + ([FollowupAction(pending)] if known else [])


class ActionSecretFailed(RecordsAction):
    """The gateway says a secret was refused: explain in easy words and ask again."""

    needs_login = False

    def name(self) -> str:
        return "action_secret_failed"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not sent_by_gateway(tracker):
            dispatcher.utter_message(response="utter_not_understood")
            return []
        purpose = tracker.get_slot("secret_purpose")
        code = tracker.get_slot("secret_error") or "unknown_error"
        failures = int(tracker.get_slot("secret_failures") or 0) + 1
        events: list[EventType] = [SlotSet("secret_failures", failures)]
        dispatcher.utter_message(response=response_for_code(code))
        if failures >= 2:
            dispatcher.utter_message(response="utter_offer_help")
            events.append(SlotSet("secret_failures", 0))

        if code in RESTART_CODES:
            return events + clear_slots(ACTIVATION_SLOTS) + [SlotSet("secret_pending", None)]
        if code in WAIT_CODES:
            return events + [SlotSet("secret_pending", None)]  # the message says to wait
        if purpose == "activation_code":
            if code in EXPIRED_CODES:
                return events  # the message offers a new code (lost_code)
            # Ask again without saying a code was sent: nothing new was sent.
            return events + ask_secret(
                dispatcher,
                "utter_ask_code_again",
                "activation_code",
                activation_id=tracker.get_slot("activation_id"),
            )
        if purpose == "activation_password":
            if code in IDENTIFIER_CODES:
                # Choose another identifier, then the password again.
                return events + [
                    SlotSet("identifier", None),
                    SlotSet("identifier_confirm", None),
                    SlotSet("secret_pending", None),
                    FollowupAction("activation_details_form"),
                ]
            return events + ask_activation_password(dispatcher, tracker, "utter_ask_password_again")
        if purpose == "activation_final_code":
            if code in EXPIRED_CODES:
                return events
            return events + ask_secret(
                dispatcher,
                "utter_ask_code_again",
                "activation_final_code",
                activation_id=tracker.get_slot("activation_id"),
            )
        if purpose == "login_password":
            if code == "too_many_attempts":
                return events + [SlotSet("secret_pending", None)]
            # The identifier may be the wrong part: ask both again.
            return (
                events
                + clear_slots(FORM_SLOTS["login_form"])
                + [
                    SlotSet("secret_pending", None),
                    FollowupAction("login_form"),
                ]
            )
        if purpose == "login_code":
            if code in EXPIRED_CODES | LOGIN_RESTART_CODES:
                return events + [SlotSet("secret_pending", None)]
            return events + ask_secret(dispatcher, "utter_ask_code_again", "login_code")
        return events


class ActionLostCode(RecordsAction):
    """ "I did not get the code": send a new one for the step the user is at."""

    needs_login = False

    def name(self) -> str:
        return "action_lost_code"

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        pending = tracker.get_slot("secret_pending")
        activation_id = tracker.get_slot("activation_id")
        if pending == "activation_code" and activation_id:
            try:
                sent = await records.post(
                    f"/activations/{activation_id}/code",
                    conversation(tracker),
                    {"channel": tracker.get_slot("channel") or "sms"},
                )
            except RecordsError as error:
                if error.code not in RESTART_CODES:
                    raise
                # This try cannot go on: "Recommencer" starts a new one.
                answer_failure(dispatcher, tracker, error)
                return clear_slots(ACTIVATION_SLOTS) + [SlotSet("secret_pending", None)]
            dispatcher.utter_message(response="utter_new_code_sent")
            return [SlotSet("activation_step", sent.get("step", "code"))] + ask_activation_code(
                dispatcher, tracker
            )
        if pending in ("activation_final_code", "activation_password") and activation_id:
            # A new final code comes with the password step again.
            return ask_activation_password(dispatcher, tracker, "utter_lost_final_code")
        if pending in ("login_code", "login_password") and tracker.get_slot("identifier"):
            dispatcher.utter_message(response="utter_lost_login_code")
            return ask_login_password(dispatcher, tracker)
        dispatcher.utter_message(response="utter_lost_code_help")
        return []


# --- logging out ---------------------------------------------------------------------------


class ActionLogout(Action):
    """ "Je me déconnecte": end the conversation's link and tell the gateway to end the session.

    The gateway holds the session token (Rasa never does): the `logout` payload makes it revoke
    the session in records and forget the token (docs/contracts.md).
    """

    def name(self) -> str:
        return "action_logout"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sender = conversation(tracker)
        try:
            await records.delete(f"/assistant/links/{quote(sender, safe='')}", sender)
        except RecordsError:
            pass  # no live link (expired, or never logged in): nothing to end in records
        except RecordsUnavailable:
            # The gateway still revokes the session; records ends the link with the session.
            pass
        response = "utter_logged_out" if tracker.get_slot("logged_in") else "utter_not_logged_in"
        dispatcher.utter_message(response=response, json_message={"logout": True})
        return [
            SlotSet("logged_in", False),
            SlotSet("secret_pending", None),
            SlotSet(PENDING_SLOT, None),
        ]


# --- closing -------------------------------------------------------------------------------


class ValidateCloseAccountForm(CountingFormValidation):
    # Refusing before having a space: how to refuse (SPEC §3.2).
    logged_out_response = "utter_refuse_info"

    def name(self) -> str:
        return "validate_close_account_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("close_confirm") is False:
            return ["close_confirm"]
        return ["close_confirm", "delete_data"]


class ActionCloseAccount(RecordsAction):
    after_form = True

    def name(self) -> str:
        return "action_close_account"

    async def cleanup(self, tracker: Tracker) -> list[EventType]:
        return clear_slots(FORM_SLOTS["close_account_form"])

    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("close_confirm") is not True:
            dispatcher.utter_message(response="utter_account_not_closed")
            return []
        delete = tracker.get_slot("delete_data") is True
        await records.post("/me/close", conversation(tracker), {"delete_data": delete})
        dispatcher.utter_message(response="utter_account_closed")
        return [SlotSet("logged_in", False)]
