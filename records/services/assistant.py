"""Links between an assistant conversation and a logged-in person's session (SPEC §3.5)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import AssistantLink, AuthSession
from records.services import sessions
from records.settings import Settings

log = logging.getLogger("records.assistant")


def link(
    session: Session, settings: Settings, auth: AuthSession, conversation_id: str
) -> AssistantLink:
    """Link (or re-link) a conversation to this session; it ends with the session. A live
    link of another account is refused: knowing a conversation id must not be enough to take
    over someone's conversation (the assistant or that person unlinks it first)."""
    now = clock.now()
    row = session.execute(
        select(AssistantLink)
        .where(AssistantLink.conversation_id == conversation_id)
        .with_for_update()
    ).scalar_one_or_none()
    if row is not None and row.account_id != auth.account_id and _is_live(session, settings, row):
        log.info("link refused: the conversation is linked to another account")
        raise AppError("conversation_linked_elsewhere", 409)
    if row is None:
        row = AssistantLink(conversation_id=conversation_id)
        session.add(row)
    row.session_id = auth.id
    row.account_id = auth.account_id or ""
    row.created_at = now
    row.revoked_at = None
    row.expires_at = min(
        auth.absolute_expires_at, now + timedelta(seconds=settings.assistant_link_seconds)
    )
    session.flush()
    log.info("conversation linked to account %s", auth.account_id)
    return row


def _is_live(session: Session, settings: Settings, row: AssistantLink) -> bool:
    now = clock.now()
    if row.revoked_at is not None or now >= row.expires_at:
        return False
    owner = session.get(AuthSession, row.session_id)
    return owner is not None and sessions.is_live(owner, settings, now)


def find_live(session: Session, conversation_id: str) -> AssistantLink | None:
    row = session.execute(
        select(AssistantLink).where(AssistantLink.conversation_id == conversation_id)
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or clock.now() >= row.expires_at:
        return None
    return row


def unlink(session: Session, conversation_id: str, account_id: str | None) -> None:
    """Revoke a link. A person may revoke only their own links; the service token any."""
    row = session.execute(
        select(AssistantLink).where(AssistantLink.conversation_id == conversation_id)
    ).scalar_one_or_none()
    if row is None or (account_id is not None and row.account_id != account_id):
        raise AppError("link_not_found", 404)
    row.revoked_at = row.revoked_at or clock.now()
