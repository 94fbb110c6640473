"""Abuse limits that hold across conversations and cannot lock a person out: growing delays per
guessed target, fixed limits per end-user address (vouched by the service token only), and
conversations that cannot be taken over by posting their id."""

from __future__ import annotations

from fastapi.testclient import TestClient
from records_helpers import (
    PASSWORD,
    SERVICE,
    activate,
    bearer,
    error_code,
    person,
)


def _from(address: str, conversation: str = "conv-1") -> dict[str, str]:
    """The gateway calling for an end user at `address`."""
    return {**SERVICE, "X-Conversation-Id": conversation, "X-Client-Address": address}


def _wrong_login(client: TestClient, headers: dict[str, str], identifier: str = "camille1985"):
    return client.post(
        "/auth/login", json={"identifier": identifier, "password": "Nope-123!x"}, headers=headers
    )


def test_an_attacker_elsewhere_cannot_lock_the_person_out_of_login(client, clock):
    activate(client, "camille")
    for attempt in range(20):  # as fast as the attacker can, from several addresses
        _wrong_login(client, _from(f"203.0.113.{attempt % 4 + 1}", f"attack-{attempt}"))
    # The real person, from home, waits at most the capped delay, never 15 minutes.
    r = client.post(
        "/auth/login",
        json={"identifier": "camille1985", "password": PASSWORD},
        headers=_from("198.51.100.7"),
    )
    if r.status_code == 429:
        assert int(r.headers["Retry-After"]) <= 61
        clock.advance(seconds=int(r.headers["Retry-After"]))
        r = client.post(
            "/auth/login",
            json={"identifier": "camille1985", "password": PASSWORD},
            headers=_from("198.51.100.7"),
        )
    assert r.status_code == 200, r.text


def test_delays_grow_with_each_failure_on_an_identifier(client, clock):
    activate(client, "camille")
    waits = []
    for attempt in range(7):
        r = _wrong_login(client, _from(f"203.0.113.{attempt + 1}"))
        assert error_code(r) == "wrong_credentials"
        r = _wrong_login(client, _from(f"203.0.114.{attempt + 1}"))
        if r.status_code == 429:
            waits.append(int(r.headers["Retry-After"]))
            clock.advance(seconds=waits[-1])
    assert waits == sorted(waits) and waits[-1] > waits[0] and waits[-1] <= 61


def test_one_address_is_limited_across_conversations_and_identifiers(client):
    for attempt in range(30):
        r = _wrong_login(client, _from("203.0.113.9", f"conv-{attempt}"), f"someone{attempt:04d}")
        assert error_code(r) == "wrong_credentials"
    r = _wrong_login(client, _from("203.0.113.9", "conv-new"), "anotherone1")
    assert r.status_code == 429 and error_code(r) == "too_many_attempts"
    # Another end user behind the same gateway is not affected.
    r = _wrong_login(client, _from("198.51.100.8", "conv-new"), "anotherone1")
    assert error_code(r) == "wrong_credentials"


def test_client_address_header_is_ignored_without_the_service_token(client):
    for attempt in range(30):
        r = _wrong_login(
            client, {"X-Client-Address": f"203.0.113.{attempt + 1}"}, f"someone{attempt:04d}"
        )
        assert error_code(r) == "wrong_credentials"
    r = _wrong_login(client, {"X-Client-Address": "198.51.100.1"}, "anotherone1")
    assert r.status_code == 429 and error_code(r) == "too_many_attempts"


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(database, db):
    from conftest import make_settings
    from records.main import create_app

    app = create_app(make_settings(trusted_proxies="10.0.0.0/8"))
    with TestClient(app, client=("10.1.2.3", 4000)) as proxied:
        for attempt in range(30):
            headers = {"X-Forwarded-For": f"198.51.100.{attempt + 1}, 10.9.9.9"}
            r = _wrong_login(proxied, headers, f"someone{attempt:04d}")
            assert error_code(r) == "wrong_credentials"
        # Each end user behind the proxy has their own budget.
        r = _wrong_login(proxied, {"X-Forwarded-For": "198.51.100.99"}, "anotherone1")
        assert error_code(r) == "wrong_credentials"
    with TestClient(app, client=("192.0.2.50", 4000)) as direct:
        for attempt in range(30):
            headers = {"X-Forwarded-For": f"198.51.100.{attempt + 1}"}
            assert error_code(_wrong_login(direct, headers, f"other{attempt:04d}x")) == (
                "wrong_credentials"
            )
        r = _wrong_login(direct, {"X-Forwarded-For": "198.51.100.200"}, "anotherone1")
        assert r.status_code == 429


def _wrong_identity(client: TestClient, address: str, birth_date: str = "1985-04-12"):
    return client.post(
        "/activations",
        json={"birth_date": birth_date, "vitale_serial": "1000000999"},
        headers=_from(address),
    )


def test_failures_on_a_birth_date_do_not_block_everyone_born_that_day(client, clock):
    demo = person("camille")
    for attempt in range(20):
        _wrong_identity(client, f"203.0.113.{attempt + 1}", demo.birth_date.isoformat())
    body = {"birth_date": demo.birth_date.isoformat(), "vitale_serial": demo.vitale_serial}
    r = client.post("/activations", json=body, headers=_from("198.51.100.7"))
    if r.status_code == 429:
        assert int(r.headers["Retry-After"]) <= 61
        clock.advance(seconds=int(r.headers["Retry-After"]))
        r = client.post("/activations", json=body, headers=_from("198.51.100.7"))
    assert r.status_code == 201, r.text


def test_a_live_link_of_another_account_cannot_be_taken_over(client):
    camille = activate(client, "camille")["token"]
    karim = activate(client, "karim")["token"]
    r = client.post("/assistant/links", json={"conversation_id": "hers"}, headers=bearer(camille))
    assert r.status_code == 201
    r = client.post("/assistant/links", json={"conversation_id": "hers"}, headers=bearer(karim))
    assert r.status_code == 409 and error_code(r) == "conversation_linked_elsewhere"
    me = client.get("/me", headers={**SERVICE, "X-Conversation-Id": "hers"})
    assert me.json()["first_name"] == "Camille"
    # Re-linking one's own conversation is fine.
    r = client.post("/assistant/links", json={"conversation_id": "hers"}, headers=bearer(camille))
    assert r.status_code == 201
    # Once she logs out, the conversation is free again.
    assert client.post("/auth/logout", headers=bearer(camille)).status_code == 204
    r = client.post("/assistant/links", json={"conversation_id": "hers"}, headers=bearer(karim))
    assert r.status_code == 201
