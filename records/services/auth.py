"""Login (SPEC §3.2): identifier + password, then a one-time code by SMS or email, every time.
Helpline agents log in with their login and password."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import Account, AuthSession, HelplineAgent, LoginChallenge, Person
from records.security import hash_password, needs_rehash, verify_password
from records.services import codes, limits, sessions
from records.services.validation import mask_email, mask_phone
from records.settings import Settings

log = logging.getLogger("records.auth")


def _login_guard(
    session: Session, settings: Settings, identifier: str, client_key: str
) -> limits.Guard:
    return limits.Guard(session, settings, "login", identifier.lower()[:100], client_key)


def contact_for(person: Person, channel: str | None) -> tuple[str, str]:
    """The channel (SMS first) and the known contact a code goes to."""
    if channel is None:
        channel = "sms" if person.phone else "email"
    to = person.phone if channel == "sms" else person.email
    if not to:
        raise AppError("channel_unavailable", 422)
    return channel, to


def masked_contact(person: Person, channel: str) -> str:
    return (mask_phone(person.phone) if channel == "sms" else mask_email(person.email)) or ""


def start_login(
    session: Session,
    settings: Settings,
    identifier: str,
    password: str,
    channel: str | None,
    client_key: str,
) -> tuple[LoginChallenge, str]:
    now = clock.now()
    # Identifiers are lowercase: phones often capitalise the first letter, so accept it.
    identifier = identifier.strip().lower()
    guard = _login_guard(session, settings, identifier, client_key)
    guard.check(now)
    account = session.execute(
        select(Account).where(Account.identifier == identifier, Account.status == "active")
    ).scalar_one_or_none()
    if not verify_password(account.password_hash if account else None, password):
        guard.failed(now)
        session.commit()
        log.info("login refused: wrong credentials")
        raise AppError("wrong_credentials", 401)
    assert account is not None
    guard.succeeded()
    if account.password_hash and needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)  # parameters were raised since
    person = session.get(Person, account.person_id)
    assert person is not None
    channel, to = contact_for(person, channel)
    challenge = LoginChallenge(
        account_id=account.id,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.code_ttl_seconds * 2),
    )
    session.add(challenge)
    session.flush()
    codes.issue(session, settings, "login", challenge.id, channel, to, "login_code", person.id)
    log.info("login challenge %s for account %s", challenge.id, account.id)
    return challenge, masked_contact(person, channel)


def load_challenge(session: Session, challenge_id: str) -> LoginChallenge:
    challenge = session.get(LoginChallenge, challenge_id)
    if challenge is None:
        raise AppError("challenge_not_found", 404)
    if challenge.completed_at is not None or clock.now() >= challenge.expires_at:
        raise AppError("challenge_expired", 410)
    return challenge


def resend_login_code(
    session: Session, settings: Settings, challenge: LoginChallenge, channel: str | None
) -> str:
    account = session.get(Account, challenge.account_id)
    assert account is not None
    person = session.get(Person, account.person_id)
    assert person is not None
    channel, to = contact_for(person, channel)
    codes.issue(session, settings, "login", challenge.id, channel, to, "login_code", person.id)
    return masked_contact(person, channel)


def verify_login(
    session: Session, settings: Settings, challenge: LoginChallenge, code: str
) -> tuple[str, AuthSession]:
    codes.verify(session, settings, "login", challenge.id, code, f"account:{challenge.account_id}")
    challenge.completed_at = clock.now()
    token, row = sessions.create(session, settings, account_id=challenge.account_id)
    log.info("login done for account %s", challenge.account_id)
    return token, row


def agent_login(
    session: Session, settings: Settings, login: str, password: str, client_key: str
) -> tuple[str, AuthSession, HelplineAgent]:
    now = clock.now()
    guard = _login_guard(session, settings, "agent:" + login, client_key)
    guard.check(now)
    agent = session.execute(
        select(HelplineAgent).where(HelplineAgent.login == login, HelplineAgent.active.is_(True))
    ).scalar_one_or_none()
    if not verify_password(agent.password_hash if agent else None, password):
        guard.failed(now)
        session.commit()
        log.info("agent login refused")
        raise AppError("wrong_credentials", 401)
    assert agent is not None
    guard.succeeded()
    token, row = sessions.create(session, settings, agent_id=agent.id)
    log.info("agent %s logged in", agent.id)
    return token, row, agent
