"""Login = identifier + password + one-time code; sessions expire (30 minutes idle, 12 hours
absolute); each login gets a new token; logout revokes; brute force is limited."""

from __future__ import annotations

from records_helpers import PASSWORD, activate, bearer, error_code, last_code, login, person


def test_login_with_one_time_code(client):
    activate(client, "camille")
    token = login(client, "camille")
    me = client.get("/me", headers=bearer(token))
    assert me.status_code == 200 and me.json()["first_name"] == "Camille"


def test_login_code_by_email_and_resend(client):
    activate(client, "camille")
    r = client.post(
        "/auth/login",
        json={"identifier": "camille1985", "password": PASSWORD, "channel": "email"},
    )
    assert r.json()["sent_to"] == "c•••@example.org"
    challenge = r.json()["challenge_id"]
    r = client.post(f"/auth/login/{challenge}/code", json={"channel": "sms"})
    assert r.status_code == 202 and r.json()["sent_to"] == "06 •• •• •• 12"
    code = last_code(client, person("camille").phone)
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": code})
    assert r.status_code == 200
    # The challenge is used up.
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": code})
    assert r.status_code == 410 and error_code(r) == "challenge_expired"


def test_wrong_password_and_unknown_identifier_look_the_same(client):
    activate(client, "camille")
    a = client.post("/auth/login", json={"identifier": "camille1985", "password": "Wrong-Pass-1"})
    b = client.post("/auth/login", json={"identifier": "nobody12345", "password": "Wrong-Pass-1"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert error_code(a) == "wrong_credentials"


def test_password_brute_force_is_limited(client, clock):
    activate(client, "camille")
    for _ in range(5):
        r = client.post("/auth/login", json={"identifier": "camille1985", "password": "Nope-123!x"})
        assert error_code(r) == "wrong_credentials"
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    assert r.status_code == 429 and error_code(r) == "too_many_attempts"
    clock.advance(minutes=15, seconds=1)
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    assert r.status_code == 200


def test_login_code_has_five_tries(client):
    activate(client, "camille")
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    challenge = r.json()["challenge_id"]
    code = last_code(client, person("camille").phone)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    codes = [
        error_code(client.post(f"/auth/login/{challenge}/verify", json={"code": wrong}))
        for _ in range(5)
    ]
    assert codes == ["wrong_code"] * 4 + ["too_many_tries"]
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": code})
    assert error_code(r) == "too_many_tries"


def test_unknown_challenge(client):
    r = client.post("/auth/login/unknown/verify", json={"code": "123456"})
    assert r.status_code == 404 and error_code(r) == "challenge_not_found"


def test_each_login_gets_a_new_token(client):
    first = activate(client, "camille")["token"]
    second = login(client, "camille")
    third = login(client, "camille")
    assert len({first, second, third}) == 3
    for token in (first, second, third):
        assert client.get("/me", headers=bearer(token)).status_code == 200


def test_idle_expiry(client, clock):
    token = activate(client, "camille")["token"]
    clock.advance(minutes=29)
    assert client.get("/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=29)  # activity pushed the idle expiry
    assert client.get("/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=30, seconds=1)
    r = client.get("/me", headers=bearer(token))
    assert r.status_code == 401 and error_code(r) == "session_expired"


def test_absolute_expiry(client, clock):
    token = activate(client, "camille")["token"]
    for _ in range(28):  # active every 25 minutes: 11 hours 40 minutes
        clock.advance(minutes=25)
        assert client.get("/me", headers=bearer(token)).status_code == 200
    clock.advance(minutes=21)  # 12 hours 1 minute after login
    r = client.get("/me", headers=bearer(token))
    assert r.status_code == 401 and error_code(r) == "session_expired"


def test_logout_revokes(client):
    token = activate(client, "camille")["token"]
    other = login(client, "camille")
    assert client.post("/auth/logout", headers=bearer(token)).status_code == 204
    r = client.get("/me", headers=bearer(token))
    assert r.status_code == 401 and error_code(r) == "session_expired"
    # Only that session ends.
    assert client.get("/me", headers=bearer(other)).status_code == 200


def test_bad_tokens(client):
    r = client.get("/me", headers=bearer("ses_made-up"))
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
    r = client.get("/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401 and error_code(r) == "unauthenticated"
    r = client.get("/me")
    assert r.status_code == 401 and error_code(r) == "unauthenticated"


def test_helpline_agent_login(client, clock):
    r = client.post("/auth/agents/login", json={"login": "agent3422", "password": "nope"})
    assert r.status_code == 401 and error_code(r) == "wrong_credentials"
    r = client.post(
        "/auth/agents/login", json={"login": "agent3422", "password": "Aide-3422-Demo!"}
    )
    assert r.status_code == 200
    token = r.json()["token"]
    me = client.get("/me", headers=bearer(token)).json()
    assert me["kind"] == "agent"
    clock.advance(minutes=31)
    assert client.get("/me", headers=bearer(token)).status_code == 401


def test_new_logins_do_not_give_more_code_tries(client, clock):
    """Knowing the password is not enough to try codes forever: wrong codes are counted
    per account across challenges."""
    activate(client, "camille")
    results = []
    for _ in range(3):
        r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
        challenge = r.json()["challenge_id"]
        code = last_code(client, person("camille").phone)
        wrong = f"{(int(code) + 3) % 1_000_000:06d}"
        for _ in range(4):
            r = client.post(f"/auth/login/{challenge}/verify", json={"code": wrong})
            results.append(error_code(r))
    assert results[:8] == ["wrong_code"] * 8
    assert results[8:10] == ["wrong_code"] * 2
    assert results[10:] == ["too_many_attempts"] * 2
    # Even the right code waits for the window to pass.
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": code})
    assert error_code(r) == "too_many_attempts"
    clock.advance(minutes=16)
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD})
    challenge = r.json()["challenge_id"]
    code = last_code(client, person("camille").phone)
    r = client.post(f"/auth/login/{challenge}/verify", json={"code": code})
    assert r.status_code == 200


def test_password_hash_is_upgraded_at_login(client, database):
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from records.models import Account

    activate(client, "camille")
    old = PasswordHasher(time_cost=2, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with database.session() as session:
        session.execute(select(Account)).scalar_one().password_hash = old
        session.commit()
    login(client, "camille")
    with database.session() as session:
        stored = session.execute(select(Account)).scalar_one().password_hash
    assert stored != old and stored.startswith("$argon2id$") and ",t=1," in stored


def test_identifier_typed_with_a_capital_letter(client):
    activate(client, "camille")
    r = client.post("/auth/login", json={"identifier": " Camille1985 ", "password": PASSWORD})
    assert r.status_code == 200
    r = client.post("/auth/login", json={"identifier": "camille1985", "password": PASSWORD.lower()})
    assert error_code(r) == "wrong_credentials"  # the password keeps its capitals
