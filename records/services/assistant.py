"""Links between an assistant conversation and a logged-in person's session (SPEC §3.5)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import AssistantLink, AuthSession
from records.settings import Settings

log = logging.getLogger("records.assistant")


def link(
    session: Session, settings: Settings, auth: AuthSession, conversation_id: str
) -> AssistantLink:
    """Link (or re-link) a conversation to this session; it ends with the session."""
    now = clock.now()
    row = session.execute(
        select(AssistantLink).where(AssistantLink.conversation_id == conversation_id)
    ).scalar_one_or_none()
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
