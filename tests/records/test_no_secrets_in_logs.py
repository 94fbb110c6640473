"""No password, code, token or personal contact appears in the logs of a full activation,
a login, an assistant link and a logout (every logger, every level)."""

from __future__ import annotations

import logging
import re

from records_helpers import PASSWORD, SERVICE, bearer, outbox, person


def test_logs_of_a_full_activation_hold_no_secret(client, caplog):
    demo = person("camille")
    secrets: list[str] = [PASSWORD, "camille1985", demo.phone, demo.email, demo.vitale_serial]
    caplog.set_level(logging.DEBUG)
    r = client.post(
        "/activations",
        json={"birth_date": "1985-04-12", "vitale_serial": demo.vitale_serial, "mode": "alone"},
    )
    aid = r.json()["activation_id"]
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    code = re.search(r"\d{6}", outbox(client, demo.phone)[0]["body"]).group(0)
    secrets.append(code)
    # A wrong code and a weak password are logged as events, never as values.
    client.post(f"/activations/{aid}/code/verify", json={"code": f"{(int(code) + 1) % 10**6:06d}"})
    client.post(f"/activations/{aid}/code/verify", json={"code": code})
    client.put(f"/activations/{aid}/contacts", json={"phone": "06 98 76 54 32"})
    secrets += ["+33698765432", "06 98 76 54 32"]
    client.post(f"/activations/{aid}/terms", json={"accepted": True})
    client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "camille1985", "password": "Azerty123!", "channel": "sms"},
    )
    secrets.append("Azerty123!")
    client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "camille1985", "password": PASSWORD, "channel": "sms"},
    )
    final = re.search(r"\d{6}", outbox(client, "+33698765432")[0]["body"]).group(0)
    secrets.append(final)
    token = client.post(f"/activations/{aid}/confirm", json={"code": final}).json()["token"]
    secrets.append(token)

    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    login_code = re.search(r"\d{6}", outbox(client, "+33698765432")[0]["body"]).group(0)
    secrets.append(login_code)
    challenge = r.json()["challenge_id"]
    token2 = client.post(f"/auth/login/{challenge}/verify", json={"code": login_code}).json()
    secrets.append(token2["token"])
    client.post("/assistant/links", json={"conversation_id": "c1"}, headers=bearer(token))
    client.get("/me", headers={**SERVICE, "X-Conversation-Id": "c1"})
    secrets.append(SERVICE["Authorization"].split()[1])
    client.post("/auth/logout", headers=bearer(token))

    # Something was logged, so the check below means something.
    assert any(rec.name.startswith("records") for rec in caplog.records)
    text = "\n".join(
        f"{rec.getMessage()} {rec.args!r} {getattr(rec, 'exc_text', '')}" for rec in caplog.records
    )
    for secret in secrets:
        assert secret not in text, f"a secret appears in the logs: {secret[:3]}…"
