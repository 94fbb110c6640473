"""The assistant's service credential acts for one conversation only, linked to a logged-in
person's session, while the link lives (SPEC §3.5)."""

from __future__ import annotations

from records_helpers import SERVICE, activate, bearer, error_code, login


def _as_assistant(conversation: str | None) -> dict[str, str]:
    headers = dict(SERVICE)
    if conversation:
        headers["X-Conversation-Id"] = conversation
    return headers


def test_linked_conversation_reaches_only_the_linked_person(client):
    camille = activate(client, "camille")["token"]
    karim = activate(client, "karim")["token"]
    r = client.post("/assistant/links", json={"conversation_id": "rasa-c"}, headers=bearer(camille))
    assert r.status_code == 201 and r.json()["conversation_id"] == "rasa-c"
    client.post("/assistant/links", json={"conversation_id": "rasa-k"}, headers=bearer(karim))

    me = client.get("/me", headers=_as_assistant("rasa-c"))
    assert me.status_code == 200 and me.json()["first_name"] == "Camille"
    assert client.get("/me", headers=_as_assistant("rasa-k")).json()["first_name"] == "Karim"

    # Another conversation, or none, reaches nobody.
    r = client.get("/me", headers=_as_assistant("rasa-other"))
    assert r.status_code == 401 and error_code(r) == "conversation_not_linked"
    r = client.get("/me", headers=_as_assistant(None))
    assert r.status_code == 401 and error_code(r) == "conversation_required"


def test_link_ends_when_the_session_expires(client, clock):
    token = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "rasa-1"}, headers=bearer(token))
    clock.advance(minutes=20)
    assert client.get("/me", headers=_as_assistant("rasa-1")).status_code == 200
    clock.advance(minutes=31)  # idle for more than 30 minutes
    r = client.get("/me", headers=_as_assistant("rasa-1"))
    assert r.status_code == 401 and error_code(r) == "conversation_not_linked"


def test_link_ends_at_the_absolute_expiry(client, clock):
    token = activate(client, "camille")["token"]
    r = client.post("/assistant/links", json={"conversation_id": "rasa-2"}, headers=bearer(token))
    assert r.json()["expires_at"].startswith("2026-11-26T21:00")  # login + 12 hours, in UTC
    for _ in range(28):
        clock.advance(minutes=25)
        assert client.get("/me", headers=_as_assistant("rasa-2")).status_code == 200
    clock.advance(minutes=21)
    assert (
        error_code(client.get("/me", headers=_as_assistant("rasa-2"))) == "conversation_not_linked"
    )


def test_link_ends_at_logout_and_when_revoked(client):
    token = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "rasa-3"}, headers=bearer(token))
    assert client.post("/auth/logout", headers=bearer(token)).status_code == 204
    assert client.get("/me", headers=_as_assistant("rasa-3")).status_code == 401

    token = login(client, "camille")
    client.post("/assistant/links", json={"conversation_id": "rasa-4"}, headers=bearer(token))
    assert client.get("/me", headers=_as_assistant("rasa-4")).status_code == 200
    assert client.delete("/assistant/links/rasa-4", headers=SERVICE).status_code == 204
    assert client.get("/me", headers=_as_assistant("rasa-4")).status_code == 401
    # The person's own session still works.
    assert client.get("/me", headers=bearer(token)).status_code == 200


def test_a_person_cannot_unlink_someone_elses_conversation(client):
    camille = activate(client, "camille")["token"]
    karim = activate(client, "karim")["token"]
    client.post("/assistant/links", json={"conversation_id": "rasa-5"}, headers=bearer(camille))
    r = client.delete("/assistant/links/rasa-5", headers=bearer(karim))
    assert r.status_code == 404 and error_code(r) == "link_not_found"
    assert client.get("/me", headers=_as_assistant("rasa-5")).status_code == 200


def test_only_a_person_session_creates_a_link(client):
    activate(client, "camille")
    r = client.post("/assistant/links", json={"conversation_id": "x"}, headers=SERVICE)
    assert r.status_code == 401
    r = client.post("/assistant/links", json={"conversation_id": "x"})
    assert r.status_code == 401


def test_a_wrong_service_token_is_refused(client):
    token = activate(client, "camille")["token"]
    client.post("/assistant/links", json={"conversation_id": "rasa-6"}, headers=bearer(token))
    headers = {"Authorization": "Bearer not-the-service-token", "X-Conversation-Id": "rasa-6"}
    r = client.get("/me", headers=headers)
    assert r.status_code == 401 and error_code(r) == "unauthenticated"


def test_relinking_an_ended_link_moves_it_to_the_new_person(client):
    camille = activate(client, "camille")["token"]
    karim = activate(client, "karim")["token"]
    client.post("/assistant/links", json={"conversation_id": "shared"}, headers=bearer(camille))
    assert client.delete("/assistant/links/shared", headers=SERVICE).status_code == 204
    client.post("/assistant/links", json={"conversation_id": "shared"}, headers=bearer(karim))
    assert client.get("/me", headers=_as_assistant("shared")).json()["first_name"] == "Karim"


def test_managed_people_through_the_assistant(client):
    karim = activate(client, "karim")["token"]
    client.post("/assistant/links", json={"conversation_id": "fam"}, headers=bearer(karim))
    managed = client.get("/me", headers=_as_assistant("fam")).json()["managed"]
    assert [(m["first_name"], m["relation"]) for m in managed] == [
        ("Noah", "child"),
        ("Inès", "child"),
    ]
    thomas = activate(client, "thomas")["token"]
    managed = client.get("/me", headers=bearer(thomas)).json()["managed"]
    assert [m["first_name"] for m in managed] == ["Léa"]
    helene = activate(client, "helene")["token"]
    managed = client.get("/me", headers=bearer(helene)).json()["managed"]
    assert [(m["first_name"], m["relation"]) for m in managed] == [("Lucien", "represented")]


def test_children_leave_their_parents_at_18(client, clock):
    token = activate(client, "karim")["token"]
    clock.set(clock.now().replace(year=2036, month=2, day=21))  # Noah is 18
    token = login(client, "karim")
    managed = client.get("/me", headers=bearer(token)).json()["managed"]
    assert [m["first_name"] for m in managed] == ["Inès"]
