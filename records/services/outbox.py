"""Transactional outbox: messages are added in the caller's transaction (never lost with
their event), then delivered by a worker with retries and exponential backoff."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records import clock
from records.db import Database
from records.messages import EMAILS, SMS
from records.models import OutboxMessage
from records.services.sender import Sender, SendError
from records.settings import Settings

log = logging.getLogger("records.outbox")


# What a delivered one-time code becomes in the outbox: the person has it, nobody else needs it.
REDACTED_CODE = "••••••"


def _render(channel: str, template: str, values: dict[str, str]) -> tuple[str | None, str]:
    if channel == "sms":
        return None, SMS[template].format(**values)
    return (
        EMAILS[template]["subject"].format(**values),
        EMAILS[template]["body"].format(**values),
    )


def _redact_code(message: OutboxMessage) -> None:
    """Once delivered, a message keeps its words but not its code."""
    text = SMS.get(message.purpose) if message.channel == "sms" else None
    if message.channel != "sms":
        text = EMAILS.get(message.purpose, {}).get("body")
    if text and "{code}" in text:
        message.subject, message.body = _render(
            message.channel, message.purpose, {"code": REDACTED_CODE}
        )


def enqueue(session: Session, channel: str, to: str, template: str, **values: str) -> OutboxMessage:
    """Add a message to the outbox; it is committed with the caller's transaction."""
    subject, body = _render(channel, template, values)
    now = clock.now()
    message = OutboxMessage(
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        purpose=template,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… capped at 1 hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


# How long a worker owns a message it is sending; after that another worker may retry it
# (at-least-once delivery when a worker dies mid-send).
CLAIM_LEASE = timedelta(seconds=120)


def _claim(session: Session, now: datetime) -> OutboxMessage | None:
    """Take the oldest due message for this worker. The conditional update lets exactly one
    worker win a message, on SQLite as on PostgreSQL, without holding a lock while sending."""
    while True:
        candidate = session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(1)
        ).first()
        if candidate is None:
            return None
        won = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == candidate.id,
                OutboxMessage.status == "pending",
                OutboxMessage.attempts == candidate.attempts,
            )
            .values(attempts=candidate.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        ).rowcount
        session.commit()
        if won == 1:
            return session.get(OutboxMessage, candidate.id, populate_existing=True)


def deliver_pending(db: Database, sender: Sender, settings: Settings, limit: int = 100) -> int:
    """Deliver the messages that are due. Several workers (replicas) may run at once: each
    message is claimed by one of them, sent outside any transaction, then marked. Returns how
    many messages were sent."""
    sent = 0
    for _ in range(limit):
        with db.session() as session:
            now = clock.now()
            message = _claim(session, now)
            if message is None:
                return sent
            try:
                sender.send(message)
            except SendError as exc:
                message.last_error = str(exc)[:300]
                if message.attempts >= settings.outbox_max_attempts:
                    message.status = "failed"
                    log.error("outbox message %s failed for good: %s", message.id, exc)
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    log.warning("outbox message %s not delivered, will retry: %s", message.id, exc)
            else:
                message.status = "sent"
                message.sent_at = now
                message.last_error = None
                if not sender.outbox_is_the_mailbox:
                    _redact_code(message)
                sent += 1
                log.info(
                    "outbox message %s sent (%s, %s)", message.id, message.channel, message.purpose
                )
            session.commit()
    return sent


async def run_worker(db: Database, sender: Sender, settings: Settings) -> None:
    """Background loop started in the app lifespan."""
    while True:
        try:
            await asyncio.to_thread(deliver_pending, db, sender, settings)
        except Exception as exc:  # keep the loop alive; the next round retries
            log.error("outbox worker round failed: %s", type(exc).__name__)
        await asyncio.sleep(settings.outbox_poll_seconds)
