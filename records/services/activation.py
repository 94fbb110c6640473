"""Activation of a person's space (SPEC §3.2), one call per step, in the contracts' order:
serial → code_channel → code → contacts → terms → credentials → final_code → done."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import Account, Activation, AuthSession, Person
from records.security import hash_password
from records.services import codes, limits, outbox, people, sessions
from records.services.validation import (
    mask_email,
    mask_phone,
    normalize_email,
    normalize_phone,
    normalize_vitale_serial,
    parse_birth_date,
    validate_identifier,
    validate_password,
)
from records.settings import Settings

log = logging.getLogger("records.activation")


@dataclass
class Helper:
    """Who helps with the activation: a helpline agent (from the caller) or a declared id."""

    kind: str | None = None
    id: str | None = None


def start(
    session: Session,
    settings: Settings,
    *,
    birth_date: str,
    vitale_serial: str | None,
    welcome_code: str | None,
    mode: str,
    helper: Helper,
    client_key: str,
) -> Activation:
    now = clock.now()
    if mode not in ("alone", "representative", "professional"):
        raise AppError("invalid_mode", 422)
    born = parse_birth_date(birth_date, now.date())
    serial = normalize_vitale_serial(vitale_serial) if vitale_serial else None
    if not serial and not (welcome_code or "").strip():
        raise AppError("serial_or_code_required", 422)

    # Brute force: the serial is the secret; the birth date narrows the search.
    guard = limits.Guard(session, settings, "identity", born.isoformat(), client_key)
    guard.check(now)
    person = people.find_by_identity(session, settings, born, serial, welcome_code)
    if person is None:
        guard.failed(now)
        session.commit()
        log.info("activation start: identity not found")
        raise AppError("identity_not_found", 404)
    if people.active_account(session, person.id):
        raise AppError("already_activated", 409)
    if not person.phone and not person.email:
        raise AppError("no_contact", 409)

    if mode == "representative":
        helper = Helper("representative", people.representative_of(session, person.id))
    elif mode == "professional" and helper.kind is None:
        helper = Helper("professional", helper.id)
    elif mode == "alone":
        helper = Helper()

    activation = Activation(
        person_id=person.id,
        step="code_channel",
        mode=mode,
        helper_kind=helper.kind,
        helper_id=helper.id,
        phone=person.phone,
        email=person.email,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(seconds=settings.activation_ttl_seconds),
    )
    session.add(activation)
    session.flush()
    log.info("activation %s started (mode %s)", activation.id, mode)
    return activation


def load(session: Session, activation_id: str, *, lock: bool = False) -> Activation:
    query = select(Activation).where(Activation.id == activation_id)
    if lock:
        query = query.with_for_update()
    activation = session.execute(query).scalar_one_or_none()
    if activation is None:
        raise AppError("activation_not_found", 404)
    now = clock.now()
    if activation.step != "done" and now >= activation.expires_at:
        raise AppError("activation_expired", 410)
    return activation


def _expect(activation: Activation, *steps: str) -> None:
    if activation.step == "done":
        raise AppError("already_activated", 409)
    if activation.step not in steps:
        raise AppError("step_out_of_order", 409)


def _advance(activation: Activation, step: str) -> None:
    activation.step = step
    activation.updated_at = clock.now()


def _contact_for(activation: Activation, channel: str) -> str:
    to = activation.phone if channel == "sms" else activation.email
    if not to:
        raise AppError("channel_unavailable", 422)
    return to


def masked(activation: Activation, channel: str) -> str:
    if channel == "sms":
        return mask_phone(activation.phone) or ""
    return mask_email(activation.email) or ""


def send_code(session: Session, settings: Settings, activation: Activation, channel: str) -> str:
    """First code (steps code_channel/code) or, later, a new final code (step final_code)."""
    _expect(activation, "code_channel", "code", "final_code")
    to = _contact_for(activation, channel)
    if activation.step == "final_code":
        codes.issue(
            session,
            settings,
            "activation_final",
            activation.id,
            channel,
            to,
            "activation_final_code",
            activation.person_id,
        )
    else:
        codes.issue(
            session,
            settings,
            "activation",
            activation.id,
            channel,
            to,
            "activation_code",
            activation.person_id,
        )
        _advance(activation, "code")
    return masked(activation, channel)


def verify_code(session: Session, settings: Settings, activation: Activation, code: str) -> None:
    _expect(activation, "code")
    codes.verify(
        session, settings, "activation", activation.id, code, f"person:{activation.person_id}"
    )
    _advance(activation, "contacts")


def update_contacts(
    session: Session,
    settings: Settings,
    activation: Activation,
    phone: str | None,
    email: str | None,
) -> None:
    """The person checks the contacts the insurance knows and may correct them. An empty
    string removes a contact; one must remain."""
    _expect(activation, "contacts")
    new_phone = activation.phone if phone is None else (normalize_phone(phone) if phone else None)
    new_email = activation.email if email is None else (normalize_email(email) if email else None)
    if not new_phone and not new_email:
        raise AppError("contact_required", 422)
    activation.phone, activation.email = new_phone, new_email
    _advance(activation, "terms")


def accept_terms(activation: Activation, accepted: bool) -> None:
    _expect(activation, "terms")
    if accepted is not True:
        raise AppError("terms_not_accepted", 422)
    activation.terms_accepted_at = clock.now()
    _advance(activation, "credentials")


def set_credentials(
    session: Session,
    settings: Settings,
    activation: Activation,
    identifier: str,
    password: str,
    channel: str,
) -> str:
    _expect(activation, "credentials")
    person = session.get(Person, activation.person_id)
    assert person is not None
    identifier = validate_identifier(identifier, person.nir)
    taken = session.execute(
        select(Account.id).where(Account.identifier == identifier, Account.person_id != person.id)
    ).first()
    pending = session.execute(
        select(Activation.id).where(
            Activation.identifier == identifier,
            Activation.id != activation.id,
            Activation.step == "final_code",
            Activation.expires_at > clock.now(),
        )
    ).first()
    if taken or pending:
        raise AppError("identifier_taken", 409)
    validate_password(password)
    to = _contact_for(activation, channel)
    activation.identifier = identifier
    activation.password_hash = hash_password(password)
    codes.issue(
        session,
        settings,
        "activation_final",
        activation.id,
        channel,
        to,
        "activation_final_code",
        activation.person_id,
    )
    _advance(activation, "final_code")
    return masked(activation, channel)


def confirm(
    session: Session, settings: Settings, activation: Activation, code: str
) -> tuple[str, Account, AuthSession]:
    """Last code: the space exists and the person is logged in."""
    _expect(activation, "final_code")
    codes.verify(
        session,
        settings,
        "activation_final",
        activation.id,
        code,
        f"person:{activation.person_id}",
    )
    now = clock.now()
    person = session.get(Person, activation.person_id)
    assert person is not None
    if people.active_account(session, person.id):
        raise AppError("already_activated", 409)
    person.phone, person.email = activation.phone, activation.email
    account = session.execute(
        select(Account).where(Account.person_id == person.id)
    ).scalar_one_or_none()
    if account is None:
        account = Account(person_id=person.id)
        session.add(account)
    account.identifier = activation.identifier
    account.password_hash = activation.password_hash
    account.status = "active"
    account.activation_mode = activation.mode
    account.helper_kind = activation.helper_kind
    account.helper_id = activation.helper_id
    account.terms_accepted_at = activation.terms_accepted_at
    account.activated_at = now
    account.closed_at = account.retain_until = account.data_deleted_at = None
    activation.password_hash = None  # kept only on the account
    activation.completed_at = now
    _advance(activation, "done")
    session.flush()
    if person.phone:
        outbox.enqueue(session, "sms", person.phone, "space_created")
    if person.email:
        outbox.enqueue(session, "email", person.email, "space_created")
    token, row = sessions.create(session, settings, account_id=account.id)
    log.info("activation %s done: account %s (mode %s)", activation.id, account.id, activation.mode)
    return token, account, row
