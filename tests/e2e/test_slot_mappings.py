"""The domain's slot mappings through the real Rasa server: messages typed as people type go
through the gateway, and Rasa's tracker must hold the right value in the right slot.

Action tests set slots directly; these check the mappings themselves: `from_text` only at the
slot's own question and not for a request ("aide"), `from_entity` from a button's payload or a
typed word, `from_intent` with its value, and the gateway's outcome entities of a secret.
"""

from __future__ import annotations

import re
from typing import Any

from support.chat import DEMO, Chat, Records, Respondent, drive
from support.stack import Stack, http_json


def slots(stack: Stack, chat: Chat) -> dict[str, Any]:
    status, tracker = http_json(
        "GET", stack.rasa_api(f"/conversations/{chat.conversation_id}/tracker")
    )
    assert status == 200, status
    return tracker["slots"]


def step(stack: Stack, chat: Chat, text: str, asks: str | None = None) -> dict[str, Any]:
    """Type `text`; check the assistant's next question (a regex); return the slots."""
    chat.say(text)
    if asks is not None:
        assert re.search(asks, chat.text()), f"after {text!r}:\n{chat.dump()}"
    return slots(stack, chat)


def test_activation_slots_are_filled_from_text_entities_and_intents(
    healthy_stack: Stack,
) -> None:
    stack, camille = healthy_stack, DEMO["camille"]
    records = Records(stack)
    chat = Chat.open(stack)
    now = step(stack, chat, "je voudrais créer mon espace santé", r"Comment créez-vous")
    assert now["requested_slot"] == "activation_mode"

    # from_text at its own question, then the form's validation.
    now = step(stack, chat, "je le fais seule", r"date de naissance")
    assert now["activation_mode"] == "alone"
    now = step(stack, chat, "12 avril 1985", r"numéro de série")
    assert now["birth_date"] == "1985-04-12"
    now = step(stack, chat, "1000 0001 01", r"SMS")
    assert now["vitale_serial"] == "1000000101" and now["activation_id"]
    # A typed word carries the channel entity (or the text the form reads).
    now = step(stack, chat, "par sms s'il vous plaît")
    assert now["channel"] == "sms", chat.dump()
    assert chat.secret_request() == {"purpose": "activation_code", "kind": "code"}

    # The gateway's outcome of a secret: entities secret_purpose and secret_error.
    code = records.latest_code(camille.phone)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    now = step(stack, chat, wrong)
    assert (now["secret_purpose"], now["secret_error"]) == ("activation_code", "wrong_code")
    now = step(stack, chat, code, r"sont-elles justes")
    assert now["secret_purpose"] == "activation_code"
    assert now["requested_slot"] == "contacts_ok" and now["contacts_ok"] is None

    # from_text leaves out a request: "aide" fills nothing and the question stays.
    now = step(stack, chat, "aide")
    assert now["contacts_ok"] is None and now["requested_slot"] == "contacts_ok", chat.dump()
    # from_intent deny gives False, then the value "keep" at the two contact questions.
    now = step(stack, chat, "non")
    assert now["contacts_ok"] is False and now["requested_slot"] == "new_phone", chat.dump()
    now = step(stack, chat, "non")
    assert now["new_phone"] == "keep" and now["requested_slot"] == "new_email", chat.dump()
    now = step(stack, chat, "non", r"règles")
    assert now["new_email"] == "keep"
    # from_intent affirm gives True.
    now = step(stack, chat, "oui j'accepte")
    assert now["terms_accepted"] is True and now["requested_slot"] == "identifier", chat.dump()
    # The identifier is said back (spaces and capitals removed) and confirmed, from_intent.
    now = step(stack, chat, "Camille 1985", r"camille1985")
    assert now["identifier"] == "camille1985", chat.dump()
    assert now["requested_slot"] == "identifier_confirm", chat.dump()
    now = step(stack, chat, "oui")
    assert now["identifier_confirm"] is True, chat.dump()
    assert chat.secret_request() == {"purpose": "activation_password", "kind": "password"}


def test_a_button_fills_its_slot_from_the_payload_entity(healthy_stack: Stack) -> None:
    chat = Chat.open(healthy_stack)
    step(healthy_stack, chat, "je veux créer mon espace santé", r"Comment créez-vous")
    chat.choose(r"tuteur")
    now = slots(healthy_stack, chat)
    assert now["activation_mode"] == "representative", chat.dump()
    assert now["requested_slot"] == "birth_date"


def test_appointment_slots_from_a_sentence_and_from_no(healthy_stack: Stack) -> None:
    """Logged in (precondition), Karim books: the profession comes from his first sentence
    (from_entity anywhere), "non" means no place and no reminder (from_intent values)."""
    records = Records(healthy_stack)
    karim = Respondent(records, DEMO["karim"])
    records.activate(karim.person)
    chat = Chat.open(healthy_stack)
    chat.say("je veux me connecter")
    drive(chat, karim.respond, lambda c: "Vous êtes connecté" in c.text())

    now = step(healthy_stack, chat, "je voudrais noter un rendez-vous chez le dentiste")
    assert now["professional"] == "dentiste", chat.dump()
    if re.search(r"pour qui", chat.text(), re.IGNORECASE):
        chat.choose(r"Pour moi")
    assert re.search(r"Quel jour", chat.text()), chat.dump()
    now = step(healthy_stack, chat, "mardi prochain à 14 h 30", r"Où est le rendez-vous")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT14:30:00.*", now["appointment_time"]), now
    now = step(healthy_stack, chat, "non", r"rappel")
    assert now["appointment_place"] == "none", chat.dump()
    now = step(healthy_stack, chat, "non merci", r"C'est juste")
    assert now["reminder"] == "none", chat.dump()
    assert now["professional"] == "dentiste" and now["requested_slot"] == "appointment_confirm"
