"""Every validation rule of activation answers its own error code and an easy-to-read
message (SPEC §3.2, docs/contracts.md)."""

from __future__ import annotations

import pytest
from records_helpers import PASSWORD, activate, error_code, person, start, to_credentials

from records.messages import ERRORS


def _start(client, **body):
    return client.post("/activations", json=body)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"birth_date": "12/04/1985", "vitale_serial": "1000000101"}, 422, "invalid_birth_date"),
        ({"birth_date": "2030-01-01", "vitale_serial": "1000000101"}, 422, "invalid_birth_date"),
        ({"birth_date": "1985-02-30", "vitale_serial": "1000000101"}, 422, "invalid_birth_date"),
        ({"birth_date": "1985-04-12", "vitale_serial": "12AB5678"}, 422, "invalid_vitale_serial"),
        ({"birth_date": "1985-04-12", "vitale_serial": "1234"}, 422, "invalid_vitale_serial"),
        ({"birth_date": "1985-04-12"}, 422, "serial_or_code_required"),
        (
            {"birth_date": "1985-04-12", "vitale_serial": "1000000101", "mode": "friend"},
            422,
            "invalid_mode",
        ),
        ({"birth_date": "1985-04-12", "vitale_serial": "1000000999"}, 404, "identity_not_found"),
        ({"birth_date": "1985-04-13", "vitale_serial": "1000000101"}, 404, "identity_not_found"),
        ({"birth_date": "1985-04-12", "welcome_code": "WRONG123"}, 404, "identity_not_found"),
        ({"vitale_serial": "1000000101"}, 422, "invalid_request"),
    ],
)
def test_start_rules(client, body, status, code):
    r = _start(client, **body)
    assert r.status_code == status
    assert error_code(r) == code
    assert r.json()["error"]["message"] == ERRORS[code]


def test_serial_with_spaces_is_accepted(client):
    r = _start(client, birth_date="1985-04-12", vitale_serial="10 0000 0101")
    assert r.status_code == 201


def test_identity_brute_force_is_limited(client, clock):
    for _ in range(5):
        r = _start(client, birth_date="1985-04-12", vitale_serial="1999999999")
        assert error_code(r) == "identity_not_found"
    # Even the right serial is refused now, for this birth date…
    r = _start(client, birth_date="1985-04-12", vitale_serial="1000000101")
    assert r.status_code == 429 and error_code(r) == "too_many_attempts"
    assert int(r.headers["Retry-After"]) > 0
    # …until the window has passed.
    clock.advance(minutes=16)
    assert _start(client, birth_date="1985-04-12", vitale_serial="1000000101").status_code == 201


def test_person_without_any_contact(client, database):
    from records.models import Person

    with database.session() as session:
        session.query(Person).filter(Person.vitale_serial == "1000000707").update({"phone": None})
        session.commit()
    r = _start(client, birth_date="1948-02-02", vitale_serial="1000000707")
    assert r.status_code == 409 and error_code(r) == "no_contact"


def test_channel_rules(client):
    aid = start(client, "jeanne")["activation_id"]
    r = client.post(f"/activations/{aid}/code", json={"channel": "email"})
    assert r.status_code == 422 and error_code(r) == "channel_unavailable"
    r = client.post(f"/activations/{aid}/code", json={"channel": "pigeon"})
    assert r.status_code == 422 and error_code(r) == "invalid_channel"


def _at_contacts(client, key="camille"):
    from records_helpers import last_code

    demo = person(key)
    aid = start(client, key)["activation_id"]
    client.post(f"/activations/{aid}/code", json={"channel": "sms"})
    r = client.post(f"/activations/{aid}/code/verify", json={"code": last_code(client, demo.phone)})
    assert r.status_code == 200
    return aid


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"phone": "12"}, "invalid_phone"),
        ({"phone": "06 12 34"}, "invalid_phone"),
        ({"phone": "not a phone"}, "invalid_phone"),
        ({"email": "camille.example.org"}, "invalid_email"),
        ({"email": "camille@"}, "invalid_email"),
        ({"email": "a b@example.org"}, "invalid_email"),
        ({"phone": "", "email": ""}, "contact_required"),
    ],
)
def test_contact_rules(client, body, code):
    aid = _at_contacts(client)
    r = client.put(f"/activations/{aid}/contacts", json=body)
    assert r.status_code == 422 and error_code(r) == code
    # Still at the same step: the person can correct and go on.
    r = client.put(f"/activations/{aid}/contacts", json={"phone": "06 98 76 54 32"})
    assert r.status_code == 200
    assert r.json()["contacts"]["phone"] == "06 98 76 54 32"


def test_terms_must_be_accepted(client):
    aid = _at_contacts(client)
    client.put(f"/activations/{aid}/contacts", json={})
    r = client.post(f"/activations/{aid}/terms", json={"accepted": False})
    assert r.status_code == 422 and error_code(r) == "terms_not_accepted"


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("camille", "identifier_too_short"),
        ("c" * 101, "identifier_too_long"),
        ("Camille1985", "identifier_invalid_characters"),
        ("camille.martin", "identifier_invalid_characters"),
        ("camille 1985", "identifier_invalid_characters"),
        ("camillé1985", "identifier_invalid_characters"),
        ("camille.martin@example.org", "identifier_is_email"),
        ("NIR", "identifier_is_nir"),
        ("185047512301216", "identifier_is_nir"),
    ],
)
def test_identifier_rules(client, database, identifier, code):
    aid = to_credentials(client, "camille")
    if identifier == "NIR":
        from records.models import Person

        with database.session() as session:
            identifier = session.query(Person).filter_by(first_name="Camille").one().nir
    r = client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": identifier, "password": PASSWORD, "channel": "sms"},
    )
    assert r.status_code == 422, r.text
    assert error_code(r) == code


def test_identifier_already_taken(client):
    activate(client, "karim", identifier="famille2024")
    aid = to_credentials(client, "camille")
    r = client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "famille2024", "password": PASSWORD, "channel": "sms"},
    )
    assert r.status_code == 409 and error_code(r) == "identifier_taken"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("Ab1!" + "x" * 130, "password_too_long"),
        ("TOURNESOL-47", "password_needs_lowercase"),
        ("tournesol-47", "password_needs_uppercase"),
        ("Tournesol-Bleu", "password_needs_digit"),
        ("Tournesol47Bleu", "password_needs_special"),
        ("Azerty123!", "password_too_common"),
        ("Motdepasse1!", "password_too_common"),
        ("Password1!", "password_too_common"),
        ("Soleil2024!", "password_too_common"),
    ],
)
def test_password_rules(client, password, code):
    aid = to_credentials(client, "camille")
    r = client.post(
        f"/activations/{aid}/credentials",
        json={"identifier": "camille1985", "password": password, "channel": "sms"},
    )
    assert r.status_code == 422, r.text
    assert error_code(r) == code


def test_every_error_code_has_a_message():
    import re
    from pathlib import Path

    source = "\n".join(p.read_text() for p in (Path(__file__).parents[2] / "records").rglob("*.py"))
    used = set(re.findall(r'AppError\(\s*"([a-z_]+)"', source))
    assert used, "no error codes found"
    assert used <= set(ERRORS), used - set(ERRORS)


def test_hostile_values_never_crash(client):
    for body in (
        {"birth_date": "1985-04-12\x00", "vitale_serial": "1000000101"},
        {"birth_date": "1985-04-12", "vitale_serial": "1" * 5000},
        {"birth_date": ["x"], "vitale_serial": {"a": 1}},
        {"birth_date": "🙂", "vitale_serial": "🙂"},
    ):
        r = client.post("/activations", json=body)
        assert r.status_code == 422, (body, r.text)
    # A NUL in an id: the same refusal on SQLite and PostgreSQL (which cannot compare it).
    for path in ("/activations/%00/code", "/auth/login/%00/verify"):
        r = client.post(path, json={"code": "123456", "channel": "sms"})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_request"
    r = client.post("/auth/login", json={"identifier": "a\x00b", "password": "x"})
    assert r.status_code == 422
    r = client.delete(
        "/assistant/links/%00", headers={"Authorization": "Bearer dev-records-service-token"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_request"
