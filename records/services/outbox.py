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


def _claim(session: Session, now: datetime, lease: timedelta) -> OutboxMessage | None:
    """Take the oldest due message for this worker, for `lease`: until then no other worker
    takes it; after that (the worker died mid-send) another one sends it again.

    The claim counts an attempt: `attempts` is then this worker's claim number, and only the
    holder of the latest claim may mark the message (see `_still_ours`). On PostgreSQL the
    candidate is locked with SKIP LOCKED, so concurrent workers take different messages; the
    conditional update alone lets exactly one worker win a message on SQLite.
    """
    while True:
        query = (
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        candidate = session.execute(query).first()
        if candidate is None:
            session.commit()
            return None
        won = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == candidate.id,
                OutboxMessage.status == "pending",
                OutboxMessage.attempts == candidate.attempts,
            )
            .values(attempts=candidate.attempts + 1, next_attempt_at=now + lease)
        ).rowcount
        session.commit()
        if won == 1:
            return session.get(OutboxMessage, candidate.id, populate_existing=True)


def _still_ours(session: Session, message: OutboxMessage) -> bool:
    """Lock the row and check no other worker claimed it since (our lease ran out while
    sending): then the later claimer owns the outcome and this worker leaves the row alone."""
    claimed = message.attempts
    session.refresh(message, with_for_update=True)
    return message.status == "pending" and message.attempts == claimed


def deliver_pending(db: Database, sender: Sender, settings: Settings, limit: int = 100) -> int:
    """Deliver the messages that are due. Several workers (replicas) may run at once: each
    message is claimed by one of them, sent outside any transaction, then marked. Returns how
    many messages were sent.

    Delivery is at least once: a worker killed after the provider accepted a message but
    before marking it leaves a claim that expires, and the message is sent again. The SMS
    provider gets the message id as Idempotency-Key and the email its Message-ID, both the
    same on every attempt, so the provider (or the mail client) can drop the repeat.
    """
    lease = timedelta(seconds=settings.outbox_claim_lease_seconds)
    sent = 0
    for _ in range(limit):
        with db.session() as session:
            now = clock.now()
            message = _claim(session, now, lease)
            if message is None:
                return sent
            try:
                sender.send(message)
            except SendError as exc:
                if not _still_ours(session, message):
                    session.rollback()
                    continue
                message.last_error = str(exc)[:300]
                if message.attempts >= settings.outbox_max_attempts:
                    message.status = "failed"
                    log.error("outbox message %s failed for good: %s", message.id, exc)
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    log.warning("outbox message %s not delivered, will retry: %s", message.id, exc)
            else:
                if not _still_ours(session, message):
                    log.warning("outbox message %s: claim lost while sending", message.id)
                    session.rollback()
                    continue
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
