"""Secrets never reach Rasa or the history, on every path (SPEC §4.3, docs/contracts.md):
after a failure, without a question, with an empty or unknown payload, after a button. A
person can still get out of a secret question with stop, help or a person."""

from __future__ import annotations

import json

import pytest

from bot import messages, secret_guard

PASSWORD = "Zq9!retyped-Secret"  # noqa: S105 - test credential
CODE = "482913"


def everything_stored(rig) -> bytes:
    db = rig.settings.gateway_db_path
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def assert_never_leaked(rig, cid: str, secret: str) -> None:
    assert not any(secret in m for m in rig.rasa.messages_for(cid)), rig.rasa.received
    history = json.dumps(rig.client.get(f"/api/conversations/{cid}").json(), ensure_ascii=False)
    assert secret not in history
    assert secret.encode() not in everything_stored(rig)


def assert_held(rig, out: dict, kind: str) -> None:
    assert out["user_message"]["masked"] is True
    assert out["user_message"]["text"] == messages.text(f"secret_held_{kind}")
    assert [m["text"] for m in out["messages"]] == [messages.text(f"secret_not_sent_{kind}")]
    assert out["queued"] is False


@pytest.mark.parametrize(
    ("ask", "error"),
    [
        ("connexion", "wrong_credentials"),
        ("connexion", "too_many_attempts"),
        ("code", "code_expired"),
        ("code", "too_many_tries"),
        # Every other refusal of records takes the same path (the state does not depend on
        # the code): a secret typed afterwards is held until Rasa asks again. (After
        # wrong_code the fake Rasa asks again, as the real one does: see the next test.)
        *(
            (ask, code)
            for ask in ("connexion", "code")
            for code in (
                "invalid_code_format",
                "no_code",
                "too_many_codes",
                "challenge_expired",
                "challenge_not_found",
                "activation_expired",
                "activation_not_found",
                "step_out_of_order",
                "identifier_taken",
                "password_too_short",
                "password_too_common",
                "unknown_error",
            )
        ),
    ],
)
def test_a_secret_retyped_after_a_failure_is_held_back(rig, ask: str, error: str) -> None:
    cid = rig.new_conversation()
    rig.say(cid, ask)
    rig.records.fail_with = error
    first = PASSWORD if ask == "connexion" else CODE
    rig.say(cid, first)
    assert rig.rasa.messages_for(cid)[-1].startswith("/secret_failed")
    assert f'"secret_error": "{error}"' in rig.rasa.messages_for(cid)[-1]
    records_calls = len(rig.records.calls)
    # Rasa did not ask again: the question is over, but what looks like a secret is held.
    state = rig.client.get(f"/api/conversations/{cid}").json()
    assert "secret_input" not in state
    for retyped, kind in ((PASSWORD, "password"), (CODE, "code"), ("482 913", "code")):
        out = rig.say(cid, retyped)
        assert_held(rig, out, kind)
        assert_never_leaked(rig, cid, retyped)
    assert len(rig.records.calls) == records_calls  # not sent to records either
    # Other words still reach the assistant.
    rig.say(cid, "bonjour")
    assert rig.rasa.messages_for(cid)[-1] == "bonjour"


def test_a_wrong_code_asked_again_goes_to_records_again(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    out = rig.say(cid, "000000")
    assert out["messages"][-1]["secret_input"]["kind"] == "code"
    rig.say(cid, "123456")
    assert [body for _, body, _ in rig.records.calls] == [{"code": "000000"}, {"code": "123456"}]
    assert_never_leaked(rig, cid, "000000")


@pytest.mark.parametrize("typed", [CODE, "482 913", "mon code est 48.29.13", PASSWORD])
def test_a_secret_typed_without_a_question_is_held_back(rig, typed: str) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    out = rig.say(cid, typed)
    kind = "password" if typed == PASSWORD else "code"
    assert_held(rig, out, kind)
    assert_never_leaked(rig, cid, typed)
    assert rig.records.calls == []


@pytest.mark.parametrize(
    "typed",
    [
        "jeanmartin1",
        "12/03/1985",
        "06 12 34 56 78",
        "1000000101",
        "camille.martin@example.org",
        "mardi prochain à 14 h 30",
        "Dr Martin",
    ],
)
def test_ordinary_answers_are_not_taken_for_secrets(rig, typed: str) -> None:
    cid = rig.new_conversation()
    rig.say(cid, typed)
    assert rig.rasa.messages_for(cid) == [typed]


def test_an_empty_payload_counts_as_none(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    out = rig.say(cid, "123456", payload="")
    assert out["user_message"]["masked"] is True
    assert rig.records.calls[0][1] == {"code": "123456"}
    assert_never_leaked(rig, cid, "123456")


def test_an_unknown_payload_during_a_secret_question_is_typed_text(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")
    rig.say(cid, PASSWORD, payload="/not_offered")
    assert rig.records.calls[0][1]["password"] == PASSWORD
    assert_never_leaked(rig, cid, PASSWORD)


def test_a_button_during_a_secret_question_then_a_typed_secret(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    rig.say(cid, "connexion")
    rig.say(cid, "Noter un rendez-vous", payload="/book_appointment")
    assert rig.rasa.messages_for(cid)[-1] == "/book_appointment"
    assert "secret_input" not in rig.client.get(f"/api/conversations/{cid}").json()
    # The password typed next, out of habit, is caught.
    out = rig.say(cid, PASSWORD)
    assert_held(rig, out, "password")
    assert_never_leaked(rig, cid, PASSWORD)
    assert rig.records.calls == []


@pytest.mark.parametrize(
    ("ask", "typed"),
    [
        ("code", "stop"),
        ("code", "j'arrête"),
        ("code", "je veux parler à quelqu'un"),
        ("code", "aide"),
        ("code", "je n'ai pas reçu le code"),
        ("connexion", "stop"),
        ("connexion", "Je veux parler à quelqu'un"),
        ("connexion", "je voudrais parler à une personne s'il vous plaît"),
        ("connexion", "AIDE"),
    ],
)
def test_a_way_out_typed_at_a_secret_question_is_a_request(rig, ask: str, typed: str) -> None:
    cid = rig.new_conversation()
    rig.say(cid, ask)
    out = rig.say(cid, typed)
    assert rig.records.calls == []
    assert "masked" not in out["user_message"]
    assert rig.rasa.messages_for(cid)[-1] == typed
    # Rasa did not ask again: the code typed now is held back.
    assert_held(rig, rig.say(cid, CODE), "code")
    assert_never_leaked(rig, cid, CODE)


def test_a_code_inside_a_sentence_goes_to_records_alone(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    rig.say(cid, "mon code c'est 123 456")
    assert rig.records.calls[0][1] == {"code": "123456"}
    assert_never_leaked(rig, cid, "123 456")


def test_a_password_question_sends_anything_else_to_records(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")
    rig.say(cid, "motdepasse")  # a weak or wrong password is still a password attempt
    assert rig.records.calls[0][1]["password"] == "motdepasse"
    assert_never_leaked(rig, cid, "motdepasse")


# Shapes, without the HTTP round trip ---------------------------------------------------------


@pytest.mark.parametrize("text", ["482913", "482 913", "48 29 13", "48-29-13", "code: 482913"])
def test_code_shapes(text: str) -> None:
    assert secret_guard.looks_like_secret(text) == "code"


@pytest.mark.parametrize(
    "text",
    ["0612345678", "06 12 34 56 78", "1000000101", "12/03/1985", "14h30", "3422", "12345", ""],
)
def test_not_code_shapes(text: str) -> None:
    assert secret_guard.looks_like_secret(text) is None


def test_a_cooldown_ends() -> None:
    state = secret_guard.cooldown("login_password", until=100.0)
    assert secret_guard.current(state, now=99.0) == state
    assert secret_guard.current(state, now=100.0) is None
    assert not secret_guard.is_asking(state)
    assert secret_guard.is_asking({"purpose": "login_code"})
