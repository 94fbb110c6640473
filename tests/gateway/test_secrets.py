"""The secret path (SPEC §4.3, docs/contracts.md): records gets the secret, Rasa the outcome."""

from __future__ import annotations

import json

from bot import messages


def test_activation_code_goes_to_records_and_rasa_gets_only_the_outcome(rig) -> None:
    cid = rig.new_conversation()
    ask = rig.say(cid, "code")["messages"][0]
    assert ask["secret_input"] == {"purpose": "activation_code", "kind": "code"}
    state = rig.client.get(f"/api/conversations/{cid}").json()
    assert state["secret_input"] == {"purpose": "activation_code", "kind": "code"}

    out = rig.say(cid, "123456")
    assert rig.records.calls == [
        ("/activations/act1/code/verify", {"code": "123456"}, "Bearer dev-records-service-token")
    ]
    assert rig.rasa.messages_for(cid) == [
        "code",
        '/secret_ok{"secret_purpose": "activation_code"}',
    ]
    # The transcript shows a placeholder, never the secret.
    assert out["user_message"]["masked"] is True
    assert out["user_message"]["text"] == messages.text("secret_sent_code")
    assert out["messages"][0]["text"] == "C'est bon."
    history = rig.client.get(f"/api/conversations/{cid}").json()
    assert "123456" not in json.dumps(history)
    assert "secret_input" not in history  # the question is over
    tracker = rig.client.get(f"{rig.rasa_server.url}/conversations/{cid}/tracker").json()
    assert "123456" not in json.dumps(tracker)


def test_wrong_code_sends_secret_failed_with_the_records_error_code(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    out = rig.say(cid, "000000")
    assert rig.rasa.messages_for(cid)[-1] == (
        '/secret_failed{"secret_purpose": "activation_code", "secret_error": "wrong_code"}'
    )
    assert out["messages"][0]["text"] == "Ce code ne marche pas."


def test_login_keeps_the_challenge_and_links_the_conversation(rig) -> None:
    cid = rig.new_conversation()
    ask = rig.say(cid, "connexion")["messages"][0]
    assert ask["secret_input"]["kind"] == "password"
    ask_code = rig.say(cid, "Secret!234")["messages"][0]
    assert ask_code["secret_input"] == {"purpose": "login_code", "kind": "code"}
    rig.say(cid, "111111")
    paths = [(path, body) for path, body, _ in rig.records.calls]
    assert paths == [
        ("/auth/login", {"identifier": "jeanmartin1", "password": "Secret!234", "channel": "sms"}),
        ("/auth/login/ch-1/verify", {"code": "111111"}),
        ("/assistant/links", {"conversation_id": cid}),
    ]
    # The link is made with the user's own session token, which Rasa never sees.
    assert rig.records.calls[2][2] == "Bearer tok-login"
    received = rig.rasa.messages_for(cid)
    assert received == [
        "connexion",
        '/secret_ok{"secret_purpose": "login_password"}',
        '/secret_ok{"secret_purpose": "login_code"}',
    ]
    assert not any("tok-login" in m or "Secret!234" in m for m in received)


def test_secret_never_written_to_the_gateway_database(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "connexion")
    rig.say(cid, "Zq9!unique-password-42")
    assert "Zq9!unique-password-42" not in rig.stored_text()
    db = rig.settings.gateway_db_path
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert b"Zq9!unique-password-42" not in raw


def test_a_button_during_a_secret_question_is_not_a_secret(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "bonjour")
    rig.say(cid, "code")
    rig.say(cid, "Noter un rendez-vous", payload="/book_appointment")
    assert rig.records.calls == []
    assert rig.rasa.messages_for(cid)[-1] == "/book_appointment"
    assert "secret_input" not in rig.client.get(f"/api/conversations/{cid}").json()


def test_records_down_during_a_secret_keeps_the_question_and_drops_the_secret(rig) -> None:
    cid = rig.new_conversation()
    rig.say(cid, "code")
    rig.records.failing = True
    out = rig.say(cid, "123456")
    assert out["messages"][0]["text"] == messages.text("secret_service_down")
    assert rig.rasa.messages_for(cid) == ["code"]
    assert rig.client.get(f"/api/conversations/{cid}").json()["secret_input"]["kind"] == "code"
    rig.records.failing = False
    rig.say(cid, "123456")
    assert rig.rasa.messages_for(cid)[-1] == '/secret_ok{"secret_purpose": "activation_code"}'


def test_a_second_person_logging_in_takes_the_link_over_from_the_first(rig) -> None:
    cid = rig.new_conversation()
    rig.records.links[cid] = "Bearer tok-activation"  # someone else is logged in here
    rig.say(cid, "connexion")
    rig.say(cid, "Secret!234")
    rig.say(cid, "111111")
    assert rig.records.links[cid] == "Bearer tok-login"
    assert rig.rasa.messages_for(cid)[-1] == '/secret_ok{"secret_purpose": "login_code"}'
