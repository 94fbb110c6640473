"""Helpers for driving the record service through its HTTP API, as a client would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from records.seed import PEOPLE, DemoPerson

PASSWORD = "Tournesol-Bleu-47"  # noqa: S105 - test password, meets every rule
SERVICE = {"Authorization": "Bearer dev-records-service-token"}


def person(key: str) -> DemoPerson:
    return next(p for p in PEOPLE if p.key == key)


def outbox(client: TestClient, to: str) -> list[dict]:
    response = client.get("/dev/outbox", params={"to": to})
    assert response.status_code == 200, response.text
    return response.json()


def last_code(client: TestClient, to: str) -> str:
    """The code in the newest message sent to this contact (read from the dev outbox)."""
    for message in outbox(client, to):
        found = re.search(r"\b(\d{6})\b", message["body"])
        if found:
            return found.group(1)
    raise AssertionError(f"no code sent to {to}")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def start(client: TestClient, key: str, **extra: object) -> dict:
    demo = person(key)
    body = {"birth_date": demo.birth_date.isoformat(), "vitale_serial": demo.vitale_serial}
    body.update(extra)
    response = client.post("/activations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def to_credentials(client: TestClient, key: str, channel: str = "sms", **extra: object) -> str:
    """Run the activation up to the credentials step; returns the activation id."""
    demo = person(key)
    activation_id = start(client, key, **extra)["activation_id"]
    assert (
        client.post(f"/activations/{activation_id}/code", json={"channel": channel}).status_code
        == 202
    )
    contact = demo.phone if channel == "sms" else demo.email
    assert contact
    code = last_code(client, contact)
    r = client.post(f"/activations/{activation_id}/code/verify", json={"code": code})
    assert r.status_code == 200, r.text
    assert client.put(f"/activations/{activation_id}/contacts", json={}).status_code == 200
    r = client.post(f"/activations/{activation_id}/terms", json={"accepted": True})
    assert r.status_code == 200, r.text
    return activation_id


def activate(
    client: TestClient,
    key: str,
    identifier: str | None = None,
    channel: str = "sms",
    **extra: object,
) -> dict:
    """The whole activation; returns the confirm answer (token, expires_at, user_id)."""
    demo = person(key)
    identifier = identifier or f"{demo.key}{demo.birth_date.year}"
    activation_id = to_credentials(client, key, channel, **extra)
    r = client.post(
        f"/activations/{activation_id}/credentials",
        json={"identifier": identifier, "password": PASSWORD, "channel": channel},
    )
    assert r.status_code == 200, r.text
    contact = demo.phone if channel == "sms" else demo.email
    assert contact
    r = client.post(
        f"/activations/{activation_id}/confirm", json={"code": last_code(client, contact)}
    )
    assert r.status_code == 201, r.text
    return r.json()


def login(client: TestClient, key: str, identifier: str | None = None) -> str:
    demo = person(key)
    identifier = identifier or f"{demo.key}{demo.birth_date.year}"
    r = client.post("/auth/login", json={"identifier": identifier, "password": PASSWORD})
    assert r.status_code == 200, r.text
    challenge = r.json()["challenge_id"]
    contact = demo.phone or demo.email
    assert contact
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": last_code(client, contact)})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"], body
    return body["error"]["code"]
