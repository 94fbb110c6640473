"""Refusing before activation gives a PDF proof; closing keeps or deletes data as asked."""

from __future__ import annotations

import io

from pypdf import PdfReader
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

from records.models import Account, AssistantLink, Refusal

ROSE = {"birth_date": "1995-06-30", "vitale_serial": "1000000909"}


def _refuse(client, body=ROSE, contact="+33690123478"):  # type: ignore[no-untyped-def]
    """The two steps: a code to the person's known contact, then the code."""
    r = client.post("/refusals", json=body)
    assert r.status_code == 202, r.text
    assert r.json()["sent_to"] and r.json()["refusal_id"]
    code = last_code(client, contact)
    return client.post(f"/refusals/{r.json()['refusal_id']}/confirm", json={"code": code})


def test_refusal_gives_a_pdf_proof(client, database):
    rose = person("rose")
    r = _refuse(client)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Attestation de refus de Mon espace santé" in flat
    assert f"{rose.first_name} {rose.last_name}" in flat
    assert "30 juin 1995" in flat
    assert "Vous avez refusé Mon espace santé le jeudi 26 novembre 2026" in flat
    assert "3422" in flat
    with database.session() as session:
        refusal = session.execute(select(Refusal)).scalar_one()
        assert refusal.id in flat.replace(" ", "") or refusal.id in text


def test_a_birth_date_and_a_serial_are_not_enough_to_refuse(client, database):
    r = client.post("/refusals", json=ROSE)
    assert r.status_code == 202 and r.headers["content-type"].startswith("application/json")
    assert r.json()["sent_to"] == "06 •• •• •• 78"
    refusal_id = r.json()["refusal_id"]
    r = client.post(f"/refusals/{refusal_id}/confirm", json={"code": "000000"})
    assert r.status_code == 400 and error_code(r) == "wrong_code"
    r = client.post("/refusals/unknown/confirm", json={"code": "123456"})
    assert r.status_code == 404 and error_code(r) == "refusal_not_found"
    with database.session() as session:
        assert session.execute(select(Refusal)).first() is None


def test_the_person_is_told_of_the_refusal(client):
    rose = person("rose")
    assert _refuse(client).status_code == 200
    told = [m for m in outbox(client, rose.phone) if m["subject"] is None]
    assert "refusé Mon espace santé" in told[0]["body"] and "3422" in told[0]["body"]
    mails = outbox(client, rose.email)
    assert mails and "refusé Mon espace santé" in mails[0]["body"]


def test_the_welcome_letter_code_is_enough(client):
    paul = person("paul")
    body = {"birth_date": paul.birth_date.isoformat(), "welcome_code": paul.welcome_code}
    r = client.post("/refusals", json=body)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "refusé Mon espace santé" in outbox(client, paul.email)[0]["body"]
    wrong = {"birth_date": paul.birth_date.isoformat(), "welcome_code": "NOPE2026"}
    r = client.post("/refusals", json=wrong)
    assert r.status_code == 404 and error_code(r) == "identity_not_found"


def test_refusal_rules(client):
    r = client.post("/refusals", json={"birth_date": "1995-06-30", "vitale_serial": "1999999999"})
    assert r.status_code == 404 and error_code(r) == "identity_not_found"
    r = client.post("/refusals", json={"birth_date": "30/06/1995", "vitale_serial": "1000000909"})
    assert r.status_code == 422 and error_code(r) == "invalid_birth_date"
    r = client.post("/refusals", json={"birth_date": "1995-06-30"})
    assert r.status_code == 422 and error_code(r) == "serial_or_code_required"
    activate(client, "camille")
    r = client.post("/refusals", json={"birth_date": "1985-04-12", "vitale_serial": "1000000101"})
    assert r.status_code == 409 and error_code(r) == "refusal_after_activation"


def test_refusing_does_not_stop_a_later_activation(client):
    assert _refuse(client).status_code == 200
    assert start(client, "rose")["step"] == "code_channel"


def test_close_keeps_the_record_for_ten_years(client, database):
    token = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "conv-1"}, headers=bearer(token))
    r = client.post("/me/close", json={"delete_data": False}, headers=bearer(token))
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "closed" and body["data_deleted"] is False
    assert body["retain_until"].startswith("2036-11-2")
    # The session ends and login is no longer possible.
    assert client.get("/me", headers=bearer(token)).status_code == 401
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    assert error_code(r) == "wrong_credentials"
    assert "space_closed_kept" in {m["purpose"] for m in outbox(client, person("camille").phone)}
    with database.session() as session:
        assert session.execute(select(AssistantLink)).scalar_one().revoked_at is not None


def test_close_with_deletion_then_activate_again(client, database):
    token = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "conv-2"}, headers=bearer(token))
    r = client.post("/me/close", json={"delete_data": True}, headers=bearer(token))
    assert r.status_code == 200
    assert r.json()["data_deleted"] is True and r.json()["retain_until"] is None
    with database.session() as session:
        account = session.execute(select(Account)).scalar_one()
        assert account.status == "closed" and account.password_hash is None
        assert session.execute(select(AssistantLink)).first() is None
    # The person may change their mind and create their space again.
    token = activate(client, "camille", identifier="camillenouveau")["token"]
    assert client.get("/me", headers=bearer(token)).json()["identifier"] == "camillenouveau"


def test_close_needs_a_session(client):
    r = client.post("/me/close", json={"delete_data": True})
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
