"""Refusing before activation gives a PDF proof; closing keeps or deletes data as asked."""

from __future__ import annotations

import io

from pypdf import PdfReader
from records_helpers import PASSWORD, activate, bearer, error_code, outbox, person, start
from sqlalchemy import select

from records.models import Account, AssistantLink, Refusal


def test_refusal_gives_a_pdf_proof(client, database):
    rose = person("rose")
    r = client.post("/refusals", json={"birth_date": "1995-06-30", "vitale_serial": "1000000909"})
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


def test_refusal_rules(client):
    r = client.post("/refusals", json={"birth_date": "1995-06-30", "vitale_serial": "1999999999"})
    assert r.status_code == 404 and error_code(r) == "identity_not_found"
    r = client.post("/refusals", json={"birth_date": "30/06/1995", "vitale_serial": "1000000909"})
    assert r.status_code == 422 and error_code(r) == "invalid_birth_date"
    activate(client, "camille")
    r = client.post("/refusals", json={"birth_date": "1985-04-12", "vitale_serial": "1000000101"})
    assert r.status_code == 409 and error_code(r) == "refusal_after_activation"


def test_refusing_does_not_stop_a_later_activation(client):
    client.post("/refusals", json={"birth_date": "1995-06-30", "vitale_serial": "1000000909"})
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
