"""Insurers, mutuelles, banks and employers are refused everywhere, whatever they hold
(CSP L1111-18); the refusal is logged. Professionals are recognised by their API key."""

from __future__ import annotations

import logging

import pytest
from records_helpers import bearer, error_code, person

from records.seed import EXCLUDED, PROFESSIONALS


@pytest.mark.parametrize(("name", "kind", "key"), EXCLUDED)
def test_excluded_organisations_are_refused(client, caplog, name, kind, key):
    camille = person("camille")
    calls = [
        ("get", "/me", None),
        ("post", "/activations", {"birth_date": "1985-04-12", "vitale_serial": "1000000101"}),
        ("post", "/refusals", {"birth_date": "1985-04-12", "vitale_serial": "1000000101"}),
        ("post", "/auth/login", {"identifier": "camille1985", "password": "x"}),
        ("post", "/assistant/links", {"conversation_id": "c"}),
        ("get", "/dev/outbox", None),
    ]
    with caplog.at_level(logging.WARNING, logger="records"):
        for method, path, body in calls:
            kwargs = {"headers": bearer(key)}
            if body is not None:
                kwargs["json"] = body
            r = getattr(client, method)(path, **kwargs)
            if path == "/dev/outbox":
                continue  # development tool, no personal record
            assert r.status_code == 403, (path, r.text)
            assert error_code(r) == "excluded_organisation"
    refused = [rec for rec in caplog.records if "excluded organisation" in rec.getMessage()]
    assert len(refused) >= 5
    assert all(kind in rec.getMessage() for rec in refused)
    assert camille.phone not in caplog.text


def test_professional_api_key(client):
    pro = PROFESSIONALS[1]
    me = client.get("/me", headers=bearer(pro.api_key))
    assert me.status_code == 200
    assert me.json() == {**me.json(), "kind": "professional", "profession": "dentiste"}
    r = client.post("/me/close", json={"delete_data": True}, headers=bearer(pro.api_key))
    assert r.status_code == 401


def test_professional_cannot_use_patient_only_routes(client):
    pro = PROFESSIONALS[0]
    r = client.post("/assistant/links", json={"conversation_id": "x"}, headers=bearer(pro.api_key))
    assert r.status_code == 401
    r = client.post("/auth/logout", headers=bearer(pro.api_key))
    assert r.status_code == 401
