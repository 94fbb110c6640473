"""Conversations that finish (SPEC §3.2, §4.4, §6): whole conversations through the gateway
with the real records, actions and Rasa, typed as people type (misspelt, SMS style).

No appointment twice after an outage; every step the bot announces has happened; the bot says
back the identifier; every message gets an answer; the terms and the contacts can be read;
"je me déconnecte" ends the link with the account.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from typing import Any

from support.chat import DEMO, Chat, Records, Reply, Respondent, drive, logged_in, login
from support.stack import Stack, http_json

CLAIMS_A_CODE = re.compile(r"ai envoyé (?:un|le|votre)(?: nouveau)? code", re.IGNORECASE)


def dentist_appointments(records: Records, chat: Chat) -> list[dict[str, Any]]:
    items = records.as_conversation(chat.conversation_id, "GET", "/me/appointments?upcoming=true")
    return [a for a in items if a["professional_kind"] == "dentiste"]


def wait_until_answered(chat: Chat, timeout: float = 60.0) -> dict[str, Any]:
    """The conversation once the gateway has nothing left to send to Rasa."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = chat.history()
        if not state["waiting"]:
            return state
        time.sleep(0.5)
    raise AssertionError(f"messages still waiting after {timeout} s:\n{chat.dump()}")


def test_an_appointment_confirmed_while_records_is_frozen_is_noted_once(
    healthy_stack: Stack,
) -> None:
    chat, _ = login(healthy_stack, "karim")
    records = Records(healthy_stack)
    before = len(dentist_appointments(records, chat))
    chat.say("jveux noter un rdv chez le dentist")
    rules: list[tuple[str, Reply]] = [
        (r"pour qui", ("button", r"Pour moi")),
        (r"quel professionnel", ("button", r"^Dentiste")),
        (r"Quel jour", "mardi prochain a 14h30"),
        (r"Où est le rendez-vous", "cabinet 3 rue victor hugo lyon"),
        (r"rappel", ("button", r"SMS")),
    ]
    drive(chat, lambda c: first(c, rules), lambda c: "C'est juste" in c.text())
    seen = len(chat.history()["messages"])

    healthy_stack.freeze_component("records")
    try:
        answer = threading.Thread(target=chat.say, args=("oui",))
        answer.start()
        # The booking reached frozen records: a few seconds more than the actions' 2 s.
        assert waiting_request(healthy_stack.ports["records"], timeout=60), "no write reached"
        time.sleep(3.5)
    finally:
        healthy_stack.thaw_component("records")
    answer.join(timeout=60)
    state = wait_until_answered(chat)
    time.sleep(3)  # a second write would be in records by now

    after = [m for m in chat.history()["messages"][seen:] if m["from"] != "user"]
    said = "\n".join(m["text"] for m in after)
    booked = dentist_appointments(records, chat)
    assert len(booked) == before + 1, f"{len(booked) - before} appointments:\n{said}"
    # One coherent thing: the appointment is noted, and nothing says it failed or to retry.
    assert "J'ai noté votre rendez-vous" in said, said
    assert said.count("J'ai noté votre rendez-vous") == 1, said
    assert not re.search(r"problème|Réessayez", said), said
    assert not state["waiting"]


def waiting_request(port: int, timeout: float) -> bool:
    """True once a request waits, unread, at the port (in an open connection or the backlog)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = subprocess.run(
            ["ss", "-Hnt", "state", "all", f"( sport = :{port} )"],  # noqa: S607 - iproute2
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
        for line in lines:
            fields = line.split()
            if len(fields) >= 2 and fields[1].isdigit() and int(fields[1]) > 0:
                return True
        time.sleep(0.05)
    return False


def first(chat: Chat, rules: list[tuple[str, Reply]]) -> Reply:
    from support.chat import first_matching

    return first_matching(chat, rules)


class CodeWitness:
    """Checks each "je vous ai envoyé un code" against records' outbox: a message must have
    gone to the person since the previous claim."""

    def __init__(self, records: Records, to: str) -> None:
        self.records = records
        self.to = to
        self.count = len(records.outbox(to))

    def check(self, chat: Chat) -> None:
        time.sleep(0.3)
        now = len(self.records.outbox(self.to))
        if CLAIMS_A_CODE.search(chat.text()):
            assert now > self.count, f"a code announced, none sent:\n{chat.dump()}"
        self.count = now


def activation_until(
    chat: Chat, person: Respondent, goal: str, extra: list[tuple[str, Reply]] | None = None
) -> None:
    chat.say("bjr")
    chat.say("je veux creer mon espace sante")
    drive(
        chat,
        lambda c: person.respond(c, extra),
        lambda c: bool(re.search(goal, c.text())) or _secret_is(c, goal),
        max_turns=25,
    )


def _secret_is(chat: Chat, purpose: str) -> bool:
    secret = chat.secret_request()
    return secret is not None and secret.get("purpose") == purpose


def test_leaving_the_password_step_then_starting_again_never_claims_a_false_code(
    healthy_stack: Stack,
) -> None:
    records = Records(healthy_stack)
    person = Respondent(records, DEMO["camille"])
    witness = CodeWitness(records, person.person.phone)
    chat = Chat.open(healthy_stack)
    activation_until(chat, person, "activation_password")
    witness.check(chat)
    chat.say("aide")
    # The help at the password step is about the password, not a code never sent.
    assert "pas reçu le code" not in chat.text(), chat.dump()
    chat.say("creer mon espace sante")
    witness.check(chat)
    # "Créer mon espace santé" again starts again: the first question comes back.
    assert re.search(r"Comment créez-vous", chat.text()), chat.dump()
    if "Je n'ai pas reçu le code" in " ".join(b["title"] for b in chat.buttons()):
        chat.choose("pas reçu")
        witness.check(chat)

    def respond(c: Chat) -> Reply:
        witness.check(c)
        return person.respond(c)

    drive(chat, respond, lambda c: logged_in(c.text()), max_turns=25)


def test_wrong_codes_and_the_limit_give_coherent_guidance(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    person = Respondent(records, DEMO["camille"])
    witness = CodeWitness(records, person.person.phone)
    chat = Chat.open(healthy_stack)
    activation_until(chat, person, "activation_code")
    witness.check(chat)
    real = records.latest_code(person.person.phone)
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(8):
        chat.say(wrong)
        witness.check(chat)
        said = chat.text()
        # Never "wait" and "type it" at once, never "je vous ai envoyé" for nothing.
        assert not ("Attendez" in said and "Écrivez" in said and "code" in said), chat.dump()
        if chat.secret_request() is None:
            break  # the code is used up or the limit is reached: no question any more
    else:
        raise AssertionError(f"eight wrong codes and still asked:\n{chat.dump()}")
    said = chat.text()
    if "Attendez" not in said:
        # The code is used up: the offered new code really comes, and is asked for.
        chat.choose(r"nouveau code")
        witness.check(chat)
        assert CLAIMS_A_CODE.search(chat.text()) and _secret_is(chat, "activation_code"), (
            chat.dump()
        )
        chat.say(person.fresh_code())
        assert re.search(r"code est bon", chat.text()), chat.dump()


def test_one_contact_ok_is_accepted_and_no_mail_is_mentioned(healthy_stack: Stack) -> None:
    records = Records(healthy_stack)
    jeanne = records.call("GET", "/dev/outbox?to=%2B33689012356")[1]
    assert isinstance(jeanne, list)
    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    chat.say("je voudrai creer mon espace")
    rules: list[tuple[str, Reply]] = [
        (r"Comment créez-vous", ("button", r"^Seul")),
        (r"date de naissance", "02/02/1948"),
        (r"numéro de série", "1000000707"),
    ]
    drive(chat, lambda c: first(c, rules), lambda c: "code d'activation" in c.text())
    assert "mail" not in chat.text().lower(), chat.dump()
    chat.say("ok")
    assert "mail" not in chat.text().lower(), chat.dump()
    assert _secret_is(chat, "activation_code"), chat.dump()
    assert len(records.outbox("+33689012356")) == len(jeanne) + 1


def test_the_identifier_is_said_back_and_the_contacts_and_terms_can_be_read(
    healthy_stack: Stack,
) -> None:
    records = Records(healthy_stack)
    person = Respondent(records, DEMO["camille"])
    chat = Chat.open(healthy_stack)
    activation_until(chat, person, r"sont-elles justes")
    # The code proved the person: the contacts are shown in full.
    assert "06 12 34 56 12" in chat.text() and "camille.martin@example.org" in chat.text(), (
        chat.dump()
    )
    assert "•" not in chat.text(), chat.dump()
    chat.choose(r"^Oui")
    status, terms = http_json("GET", healthy_stack.url("records") + "/terms")
    assert status == 200 and len(terms["lines"]) >= 6, terms
    said = "\n".join(m["text"] for m in chat.transcript)
    for line in terms["lines"]:
        assert line in said, f"{line!r} not shown before « J'accepte »:\n{chat.dump()}"
    assert any("accepte" in b["title"] for b in chat.buttons()), chat.dump()
    chat.choose(r"accepte")
    chat.say("Camille Martin")
    # Said back before anything else, and asked to confirm.
    assert "camillemartin" in chat.text(), chat.dump()
    assert re.search(r"C'est bien ça|juste", chat.text()), chat.dump()
    chat.say("oui c bon")
    assert _secret_is(chat, "activation_password"), chat.dump()
    person.person.identifier = "camillemartin"
    drive(chat, person.respond, lambda c: logged_in(c.text()))
    assert "camillemartin" in chat.text(), chat.dump()


def test_a_nul_message_gets_an_answer(healthy_stack: Stack) -> None:
    chat = Chat.open(healthy_stack)
    for text in ("\x00", "\x00\x01\x1f", "\u200b\x00"):
        answers = chat.say(text)
        assert answers, f"no answer to {text!r}"
        assert all(m["from"] != "user" and m["text"] for m in answers), chat.dump()
        assert re.search(r"Écrivez", answers[0]["text"]), chat.dump()


def test_the_welcome_letter_code_replaces_the_vitale_serial(healthy_stack: Stack) -> None:
    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    chat.say("je veux créer mon espace santé")
    rules: list[tuple[str, Reply]] = [
        (r"Comment créez-vous", ("button", r"^Seul")),
        (r"date de naissance", "10/10/2001"),
        (r"numéro de série", "paul 2026"),
    ]
    drive(chat, lambda c: first(c, rules), lambda c: "code d'activation" in c.text())
    assert "p•••@example.org" in chat.text() or "mail" in chat.text(), chat.dump()


def test_logging_out_ends_the_link_with_the_account(healthy_stack: Stack) -> None:
    chat, _ = login(healthy_stack, "julie")
    records = Records(healthy_stack)
    assert records.as_conversation(chat.conversation_id, "GET", "/me")["first_name"] == "Julie"
    chat.say("je me deconnecte")
    assert re.search(r"quitté votre espace", chat.text()), chat.dump()
    status, body = records.call("GET", "/me", X_Conversation_Id=chat.conversation_id)
    assert status == 401, (status, body)
    chat.say("mes rdv")
    assert re.search(r"[Cc]onnectez-vous", chat.text()), chat.dump()


def test_with_a_professional_the_helper_is_kept_by_records(healthy_stack: Stack) -> None:
    import sqlite3

    chat = Chat.open(healthy_stack)
    chat.say("bonjour")
    chat.say("je cree mon espace avec le pharmacien")
    rules: list[tuple[str, Reply]] = [
        (r"Comment créez-vous", ("button", r"professionnel")),
        (r"Qui vous aide", "pharmacie du centre"),
        (r"date de naissance", "30 juin 1995"),
        (r"numéro de série", "1000000909"),
    ]
    drive(chat, lambda c: first(c, rules), lambda c: "code d'activation" in c.text())
    assert "Qui vous aide" in "\n".join(m["text"] for m in chat.transcript), chat.dump()
    with sqlite3.connect(healthy_stack.data_dir / "records.db") as db:
        rows = db.execute(
            "SELECT helper_kind, helper_id FROM activations ORDER BY created_at DESC LIMIT 1"
        ).fetchall()
    assert rows == [("professional", "pharmacie du centre")], rows
