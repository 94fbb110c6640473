"""Login sessions: a new random token at each login, 30 minutes idle and 12 hours absolute
expiry, revocation at logout. Only the token's hash is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import AssistantLink, AuthSession
from records.security import new_token, token_hash
from records.settings import Settings


def create(
    session: Session,
    settings: Settings,
    *,
    account_id: str | None = None,
    agent_id: str | None = None,
) -> tuple[str, AuthSession]:
    now = clock.now()
    token = new_token("ses")
    row = AuthSession(
        token_hash=token_hash(token),
        account_id=account_id,
        agent_id=agent_id,
        created_at=now,
        last_seen_at=now,
        absolute_expires_at=now + timedelta(seconds=settings.session_absolute_seconds),
    )
    session.add(row)
    session.flush()
    return token, row


def expires_at(row: AuthSession, settings: Settings) -> datetime:
    """When the session ends if nothing more happens."""
    idle_end = row.last_seen_at + timedelta(seconds=settings.session_idle_seconds)
    return min(idle_end, row.absolute_expires_at)


def is_live(row: AuthSession, settings: Settings, now: datetime) -> bool:
    return row.revoked_at is None and now < expires_at(row, settings)


def touch(session: Session, settings: Settings, row: AuthSession) -> None:
    """Use of a session: refuse it when ended, else push its idle expiry."""
    now = clock.now()
    if not is_live(row, settings, now):
        raise AppError("session_expired", 401)
    row.last_seen_at = now


def find(session: Session, token: str) -> AuthSession | None:
    return session.execute(
        select(AuthSession).where(AuthSession.token_hash == token_hash(token))
    ).scalar_one_or_none()


def revoke(session: Session, row: AuthSession) -> None:
    now = clock.now()
    row.revoked_at = row.revoked_at or now
    session.execute(
        update(AssistantLink)
        .where(AssistantLink.session_id == row.id, AssistantLink.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all_for_account(session: Session, account_id: str) -> None:
    rows = session.execute(
        select(AuthSession).where(
            AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None)
        )
    ).scalars()
    for row in rows:
        revoke(session, row)
