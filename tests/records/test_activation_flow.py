"""The whole activation of a demo person through the HTTP API (SPEC §3.2), codes read from
the development outbox."""

from __future__ import annotations

from records_helpers import (
    PASSWORD,
    activate,
    bearer,
    error_code,
    last_code,
    outbox,
    person,
    start,
)
from sqlalchemy import select

from records.models import Account, OneTimeCode


def test_full_activation_alone_by_sms(client, database):
    camille = person("camille")
    started = start(client, "camille", mode="alone")
    assert started["step"] == "code_channel"
    assert started["mode"] == "alone"
    assert started["contacts"] == {"sms": "06 •• •• •• 12", "email": "c•••@example.org"}
    aid = started["activation_id"]

    r = client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    assert r.status_code == 202
    assert r.json() == {"step": "code", "sent_to": "06 •• •• •• 12"}
    [message] = outbox(client, camille.phone)
    assert message["channel"] == "sms" and message["purpose"] == "activation_code"
    code = last_code(client, camille.phone)

    r = client.post(f"/activations/{aid}/code/verify", json={"code": code})
    assert r.status_code == 200
    assert r.json() == {
        "step": "contacts",
        "contacts": {"phone": "06 12 34 56 12", "email": "camille.martin@example.org"},
    }

    # The person corrects the email address.
    r = client.put(f"/activations/{aid}/contacts", json={"email": "camille.m@example.net"})
    assert r.status_code == 200
    assert r.json()["step"] == "terms"
    assert r.json()["contacts"]["email"] == "camille.m@example.net"

    r = client.post(f"/activations/{aid}/terms", json={"accepted": True})
    assert r.json() == {"step": "credentials"}

    r = client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "camille1985", "password": PASSWORD, "channel": "email"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"step": "final_code", "sent_to": "c•••@example.net"}
    final = last_code(client, "camille.m@example.net")
    assert final != code

    r = client.post(f"/activations/{aid}/confirm", json={"code": final})
    assert r.status_code == 201, r.text
    token = r.json()["token"]

    me = client.get("/me", headers=bearer(token))
    assert me.status_code == 200
    body = me.json()
    assert body["first_name"] == "Camille" and body["identifier"] == "camille1985"
    assert body["activation_mode"] == "alone"
    assert body["contacts"]["email"] == "c•••@example.net"
    assert client.get(f"/activations/{aid}").json()["step"] == "done"
    # The person is told by both channels that the space exists.
    purposes = {m["purpose"] for m in outbox(client, camille.phone)}
    assert "space_created" in purposes

    with database.session() as session:
        account = session.execute(select(Account)).scalar_one()
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        for row in session.execute(select(OneTimeCode)).scalars():
            assert code not in row.code_hash and final not in row.code_hash


def test_activation_then_login_with_the_new_credentials(client):
    activate(client, "jeanne")
    r = client.post("/auth/login", json={"identifier": "jeanne1948", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["sent_to"] == "06 •• •• •• 56"


def test_activation_with_welcome_code_and_email_only(client):
    paul = person("paul")
    r = client.post(
        "/activations",
        json={"birth_date": "2001-10-10", "welcome_code": "paul 2026", "mode": "alone"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["contacts"] == {"sms": None, "email": "p•••@example.org"}
    aid = r.json()["activation_id"]
    r = client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    assert error_code(r) == "channel_unavailable"
    assert client.post(f"/activations/{aid}/code", json={"channel": "email"}).status_code == 202
    [mail] = outbox(client, paul.email)
    assert mail["subject"] and mail["channel"] == "email"


def test_activation_with_a_representative_records_who_helped(client, db):
    token = activate(client, "lucien", mode="representative")["token"]
    me = client.get("/me", headers=bearer(token)).json()
    assert me["activation_mode"] == "representative"


def test_representative_mode_needs_a_representative_on_file(client):
    camille = person("camille")
    r = client.post(
        "/activations",
        json={
            "birth_date": camille.birth_date.isoformat(),
            "vitale_serial": camille.vitale_serial,
            "mode": "representative",
        },
    )
    assert r.status_code == 422 and error_code(r) == "representative_missing"


def test_activation_with_a_helpline_agent(client, database, db):
    r = client.post(
        "/auth/agents/login", json={"login": "agent3422", "password": "Aide-3422-Demo!"}
    )
    assert r.status_code == 200, r.text
    agent_token = r.json()["token"]
    karim = person("karim")
    r = client.post(
        "/activations",
        headers=bearer(agent_token),
        json={
            "birth_date": karim.birth_date.isoformat(),
            "vitale_serial": karim.vitale_serial,
            "mode": "professional",
        },
    )
    assert r.status_code == 201
    aid = r.json()["activation_id"]
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    client.post(f"/activations/{aid}/code/verify", json={"code": last_code(client, karim.phone)})
    client.put(f"/activations/{aid}/contacts", json={})
    client.post(f"/activations/{aid}/terms", json={"accepted": True})
    client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "karimbenali", "password": PASSWORD, "channel": "sms"},
    )
    r = client.post(f"/activations/{aid}/confirm", json={"code": last_code(client, karim.phone)})
    assert r.status_code == 201
    with database.session() as session:
        account = session.execute(select(Account)).scalar_one()
        assert account.activation_mode == "professional"
        assert (account.helper_kind, account.helper_id) == ("agent", db["agent"])


def test_steps_must_come_in_order(client):
    aid = start(client, "camille")["activation_id"]
    r = client.post(f"/activations/{aid}/terms", json={"accepted": True})
    assert r.status_code == 409 and error_code(r) == "step_out_of_order"
    r = client.post(f"/activations/{aid}/code/verify", json={"code": "123456"})
    assert r.status_code == 409 and error_code(r) == "step_out_of_order"


def test_a_second_activation_is_refused(client):
    activate(client, "camille")
    camille = person("camille")
    r = client.post(
        "/activations",
        json={"birth_date": camille.birth_date.isoformat(), "vitale_serial": camille.vitale_serial},
    )
    assert r.status_code == 409 and error_code(r) == "already_activated"


def test_unknown_activation_and_expired_activation(client, clock):
    r = client.post("/activations/nope/code", json={"channel": "sms"})
    assert r.status_code == 404 and error_code(r) == "activation_not_found"
    aid = start(client, "camille")["activation_id"]
    clock.advance(minutes=61)
    r = client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    assert r.status_code == 410 and error_code(r) == "activation_expired"


def test_terms_summary_is_served(client):
    r = client.get("/terms")
    assert r.status_code == 200
    assert any("mutuelles" in line for line in r.json()["lines"])


def test_contacts_are_shown_in_full_only_once_the_code_proved_the_person(client):
    """Before the code, masked only; after it, in full so the person can check them."""
    from records_helpers import last_code, person, start

    camille = person("camille")
    activation_id = start(client, "camille")["activation_id"]
    state = client.get(f"/activations/{activation_id}").json()
    assert state["verified_contacts"] is None and "••" in state["contacts"]["sms"]
    client.post(f"/activations/{activation_id}/code", json={"channel": "sms"})
    assert client.get(f"/activations/{activation_id}").json()["verified_contacts"] is None
    code = last_code(client, camille.phone)
    assert client.post(f"/activations/{activation_id}/code/verify", json={"code": code}).is_success
    full = client.get(f"/activations/{activation_id}").json()["verified_contacts"]
    assert full == {"phone": "06 12 34 56 12", "email": "camille.martin@example.org"}
