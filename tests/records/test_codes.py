"""One-time codes: 6 digits, stored hashed, valid 10 minutes (controlled clock, no sleeps),
5 wrong tries, single use, a new code replaces the old one, limited sends."""

from __future__ import annotations

from records_helpers import error_code, last_code, outbox, person, start
from sqlalchemy import select

from records.models import OneTimeCode


def _with_code(client, key="camille"):
    demo = person(key)
    aid = start(client, key)["activation_id"]
    assert client.post(f"/activations/{aid}/code", json={"channel": "sms"}).status_code == 202
    return aid, last_code(client, demo.phone)


def _verify(client, aid, code):
    return client.post(f"/activations/{aid}/code/verify", json={"code": code})


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_and_stored_hashed(client, database):
    aid, code = _with_code(client)
    assert len(code) == 6 and code.isdigit()
    with database.session() as session:
        row = session.execute(select(OneTimeCode)).scalar_one()
        assert code not in row.code_hash and len(row.code_hash) == 64


def test_code_expires_after_ten_minutes(client, clock):
    aid, code = _with_code(client)
    clock.advance(minutes=10, seconds=1)
    r = _verify(client, aid, code)
    assert r.status_code == 410 and error_code(r) == "code_expired"
    # A new code works.
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    assert _verify(client, aid, last_code(client, person("camille").phone)).status_code == 200


def test_code_still_valid_just_before_ten_minutes(client, clock):
    aid, code = _with_code(client)
    clock.advance(minutes=9, seconds=59)
    assert _verify(client, aid, code).status_code == 200


def test_five_wrong_tries_then_a_new_code_is_needed(client):
    aid, code = _with_code(client)
    for _ in range(4):
        r = _verify(client, aid, _wrong(code))
        assert r.status_code == 400 and error_code(r) == "wrong_code"
    r = _verify(client, aid, _wrong(code))
    assert r.status_code == 429 and error_code(r) == "too_many_tries"
    # Even the right code is refused now.
    r = _verify(client, aid, code)
    assert r.status_code == 429 and error_code(r) == "too_many_tries"
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    new = last_code(client, person("camille").phone)
    assert _verify(client, aid, new).status_code == 200


def test_a_new_code_replaces_the_old_one(client):
    aid, first = _with_code(client)
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    second = last_code(client, person("camille").phone)
    if first != second:
        r = _verify(client, aid, first)
        assert r.status_code == 400 and error_code(r) == "wrong_code"
    assert _verify(client, aid, second).status_code == 200


def test_code_format(client):
    aid, _code = _with_code(client)
    for bad in ("12345", "1234567", "abcdef", ""):
        r = _verify(client, aid, bad)
        assert r.status_code == 422 and error_code(r) == "invalid_code_format"


def test_code_is_single_use(client):
    aid, code = _with_code(client)
    assert _verify(client, aid, code).status_code == 200
    r = _verify(client, aid, code)
    assert r.status_code == 409 and error_code(r) == "step_out_of_order"


def test_code_sends_are_limited(client, clock):
    aid = start(client, "camille")["activation_id"]
    for _ in range(5):
        assert client.post(f"/activations/{aid}/code", json={"channel": "sms"}).status_code == 202
    r = client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    assert r.status_code == 429 and error_code(r) == "too_many_codes"
    assert len(outbox(client, person("camille").phone)) == 5


def test_a_new_final_code_can_be_asked(client):
    from records_helpers import PASSWORD, to_credentials

    demo = person("camille")
    aid = to_credentials(client, "camille")
    client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "camille1985", "password": PASSWORD, "channel": "sms"},
    )
    first = last_code(client, demo.phone)
    r = client.post(f"/activations/{aid}/code", json={"channel": "email"})
    assert r.status_code == 202 and r.json() == {
        "step": "final_code",
        "sent_to": "c•••@example.org",
    }
    second = last_code(client, demo.email)
    if first != second:
        r = client.post(f"/activations/{aid}/confirm", json={"code": first})
        assert error_code(r) == "wrong_code"
    r = client.post(f"/activations/{aid}/confirm", json={"code": second})
    assert r.status_code == 201


def test_sends_to_one_person_are_capped_across_activations_and_logins(client):
    demo = person("camille")
    answers = []
    for _ in range(6):
        aid = start(client, "camille")["activation_id"]
        for _ in range(5):
            r = client.post(f"/activations/{aid}/code", json={"channel": "sms"})
            answers.append(r.status_code if r.status_code == 202 else error_code(r))
    assert answers.count(202) == 10
    assert answers[10:] == ["too_many_messages"] * 20
    assert len(outbox(client, demo.phone)) == 10
    r = client.post(f"/activations/{aid}/code", json={"channel": "email"})
    assert r.status_code == 429 and error_code(r) == "too_many_messages"
    assert int(r.headers["Retry-After"]) > 3600
    assert "3422" in r.json()["error"]["message"]


def test_sends_to_one_destination_are_capped(database, db):
    from fastapi.testclient import TestClient

    from conftest import make_settings
    from records.main import create_app

    app = create_app(make_settings(code_sends_per_person=100, code_sends_per_destination=3))
    with TestClient(app) as capped:
        aid = start(capped, "camille")["activation_id"]
        sent = [capped.post(f"/activations/{aid}/code", json={"channel": "sms"}) for _ in range(4)]
        assert [r.status_code for r in sent] == [202, 202, 202, 429]
        assert error_code(sent[-1]) == "too_many_messages"
        # The other contact of the same person still works.
        r = capped.post(f"/activations/{aid}/code", json={"channel": "email"})
        assert r.status_code == 202
