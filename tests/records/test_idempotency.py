"""A write sent again with the same Idempotency-Key changes the record once and gets the same
answer (docs/contracts.md): the assistant's retries after an outage never duplicate."""

from __future__ import annotations

from records_helpers import SERVICE, activate, bearer, error_code, outbox, person, start


def _assistant(conversation: str, key: str | None = None) -> dict[str, str]:
    headers = {**SERVICE, "X-Conversation-Id": conversation}
    if key:
        headers["Idempotency-Key"] = key
    return headers


APPOINTMENT = {"professional_kind": "dentiste", "starts_at": "2026-12-08T14:30:00+01:00"}


def _linked(client, conversation: str = "conv-1") -> None:
    token = activate(client, "camille")["token"]
    r = client.post(
        "/assistant/links", json={"conversation_id": conversation}, headers=bearer(token)
    )
    assert r.status_code == 201, r.text


def _appointments(client, conversation: str = "conv-1") -> list[dict]:
    r = client.get("/me/appointments", headers=_assistant(conversation))
    assert r.status_code == 200, r.text
    return [a for a in r.json() if a["professional_kind"] == "dentiste"]


def test_the_same_key_books_once_and_answers_the_same(client):
    _linked(client)
    before = len(_appointments(client))
    key = "conv-1:41:action_book_appointment"
    first = client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", key))
    again = client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", key))
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers.get("idempotent-replay") == "true"
    assert len(_appointments(client)) == before + 1


def test_another_key_or_no_key_is_another_write(client):
    _linked(client)
    before = len(_appointments(client))
    client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", "conv-1:1:a"))
    client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", "conv-1:2:a"))
    client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1"))
    assert len(_appointments(client)) == before + 3


def test_a_key_is_scoped_to_its_caller(client):
    """Another conversation (or another token) with the same key is not answered from it."""
    _linked(client, "conv-1")
    karim = activate(client, "karim")["token"]
    client.post("/assistant/links", json={"conversation_id": "conv-2"}, headers=bearer(karim))
    key = "same-key"
    client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", key))
    other = client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-2", key))
    assert other.status_code == 201 and "idempotent-replay" not in other.headers
    assert len(_appointments(client, "conv-2")) >= 1


def test_the_same_key_with_another_body_is_refused(client):
    _linked(client)
    key = "conv-1:7:action_book_appointment"
    client.post("/me/appointments", json=APPOINTMENT, headers=_assistant("conv-1", key))
    changed = {**APPOINTMENT, "starts_at": "2026-12-09T10:00:00+01:00"}
    r = client.post("/me/appointments", json=changed, headers=_assistant("conv-1", key))
    assert r.status_code == 422 and error_code(r) == "idempotency_key_reused"


def test_a_code_is_sent_once_for_one_key(client):
    """Sending the activation code again with the same key does not send a second SMS."""
    started = start(client, "karim")
    path = f"/activations/{started['activation_id']}/code"
    headers = {**SERVICE, "Idempotency-Key": "conv-9:3:validate_activation_form"}
    first = client.post(path, json={"channel": "sms"}, headers=headers)
    again = client.post(path, json={"channel": "sms"}, headers=headers)
    assert first.status_code == again.status_code and first.status_code < 300, first.text
    assert len(outbox(client, person("karim").phone)) == 1


def test_a_refusal_is_answered_the_same_and_reads_are_not_kept(client):
    _linked(client)
    key = "conv-1:8:action_book_appointment"
    past = {**APPOINTMENT, "starts_at": "2020-01-01T10:00:00+01:00"}
    first = client.post("/me/appointments", json=past, headers=_assistant("conv-1", key))
    again = client.post("/me/appointments", json=past, headers=_assistant("conv-1", key))
    assert first.status_code == again.status_code == 422
    assert error_code(again) == "appointment_in_past"
    # GET ignores the header: a read is always fresh.
    r = client.get("/me/appointments", headers=_assistant("conv-1", "conv-1:8:read"))
    assert r.status_code == 200 and "idempotent-replay" not in r.headers
