"""Helpline (3422) agent actions in an assistant conversation reach the linked person's
access log ("qui a vu mon dossier"); nothing personal is written for an anonymous one."""

from __future__ import annotations

from records_helpers import SERVICE, activate, bearer, error_code
from sqlalchemy import func, select

from records.models import AccessLogEntry

AGENT = {"login": "agent3422", "password": "Aide-3422-Demo!"}
PRO_KEY = "pro_demo_laurent_medecin_traitant_4f9a2c"


def agent_token(client) -> str:  # type: ignore[no-untyped-def]
    r = client.post("/auth/agents/login", json=AGENT)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def test_agent_actions_appear_in_the_linked_persons_access_log(client):
    camille = activate(client, "camille")["token"]
    r = client.post("/assistant/links", json={"conversation_id": "conv-c"}, headers=bearer(camille))
    assert r.status_code == 201
    agent = agent_token(client)
    for action in ("read", "take_over", "message", "hand_back"):
        r = client.post(
            "/helpline/events",
            json={"conversation_id": "conv-c", "action": action},
            headers=bearer(agent),
        )
        assert r.status_code == 204, r.text

    log = client.get("/me/access-log", headers=bearer(camille)).json()
    actions = [entry["action"] for entry in log if entry["actor_role"] == "agent"]
    assert sorted(actions) == sorted(
        ["helpline_read", "helpline_take_over", "helpline_message", "helpline_hand_back"]
    )
    assert {entry["actor_name"] for entry in log if entry["actor_role"] == "agent"} == {
        "Un conseiller du 3422"
    }


def test_the_agent_is_named_in_the_log_by_their_id(client, database):
    camille = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "conv-id"}, headers=bearer(camille))
    agent = agent_token(client)
    me = client.get("/me", headers=bearer(agent)).json()
    assert me["kind"] == "agent" and me["agent_id"]
    client.post(
        "/helpline/events",
        json={"conversation_id": "conv-id", "action": "read"},
        headers=bearer(agent),
    )
    with database.session() as session:
        entry = session.execute(
            select(AccessLogEntry).where(AccessLogEntry.action == "helpline_read")
        ).scalar_one()
        assert entry.actor_id == me["agent_id"] and entry.actor_kind == "agent"


def test_an_anonymous_conversation_leaves_nothing_personal(client, database):
    agent = agent_token(client)
    with database.session() as session:
        before = session.execute(select(func.count()).select_from(AccessLogEntry)).scalar_one()
    r = client.post(
        "/helpline/events",
        json={"conversation_id": "never-linked", "action": "read"},
        headers=bearer(agent),
    )
    assert r.status_code == 204
    with database.session() as session:
        after = session.execute(select(func.count()).select_from(AccessLogEntry)).scalar_one()
    assert after == before


def test_only_agents_may_record_helpline_events(client):
    camille = activate(client, "camille")["token"]
    body = {"conversation_id": "conv-x", "action": "read"}
    r = client.post("/helpline/events", json=body)
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
    r = client.post("/helpline/events", json=body, headers=bearer(camille))
    assert r.status_code == 403 and error_code(r) == "forbidden"
    r = client.post("/helpline/events", json=body, headers=bearer(PRO_KEY))
    assert r.status_code == 403 and error_code(r) == "forbidden"
    r = client.post("/helpline/events", json=body, headers=SERVICE)
    assert r.status_code == 403 and error_code(r) == "forbidden"


def test_an_unknown_action_is_refused(client):
    agent = agent_token(client)
    r = client.post(
        "/helpline/events",
        json={"conversation_id": "conv-x", "action": "delete_everything"},
        headers=bearer(agent),
    )
    assert r.status_code == 422
