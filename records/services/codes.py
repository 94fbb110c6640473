"""One-time codes (SPEC §3.2): 6 digits, single use, 10 minutes, 5 wrong tries, stored as a
keyed hash, sent through the outbox in the same transaction."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.models import OneTimeCode
from records.security import RateLimiter, codes_match, hash_code, new_code
from records.services import outbox
from records.settings import Settings

log = logging.getLogger("records.codes")


def issue(
    session: Session,
    settings: Settings,
    owner_kind: str,
    owner_id: str,
    channel: str,
    to: str,
    template: str,
    person_id: str,
) -> OneTimeCode:
    """Replace the owner's current code by a new one and queue it for delivery."""
    now = clock.now()
    _count_send(session, settings, person_id, to, now)
    recent = session.execute(
        select(func.count())
        .select_from(OneTimeCode)
        .where(OneTimeCode.owner_id == owner_id, OneTimeCode.created_at > now - timedelta(hours=1))
    ).scalar_one()
    if recent >= settings.code_max_sends_per_hour:
        raise AppError("too_many_codes", 429, headers={"Retry-After": "3600"})
    session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.owner_id == owner_id, OneTimeCode.superseded_at.is_(None))
        .values(superseded_at=now)
    )
    code = new_code()
    row = OneTimeCode(
        owner_kind=owner_kind,
        owner_id=owner_id,
        code_hash=hash_code(settings.records_secret_key, owner_id, code),
        channel=channel,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.code_ttl_seconds),
        failed_tries=0,
    )
    session.add(row)
    outbox.enqueue(session, channel, to, template, code=code)
    log.info("code issued for %s %s by %s", owner_kind, owner_id, channel)
    return row


def _count_send(
    session: Session, settings: Settings, person_id: str, to: str, now: datetime
) -> None:
    """SMS and mails to one person and to one phone or address are capped across every
    activation, login and refusal, so nobody can flood someone by starting again."""
    limiter = RateLimiter(session, settings.code_sends_window_seconds)
    destination = hash_code(settings.records_secret_key, "destination", to)  # no phone in keys
    keys = {
        f"sends:person:{person_id}": settings.code_sends_per_person,
        f"sends:to:{destination[:40]}": settings.code_sends_per_destination,
    }
    limiter.check(keys, now, code="too_many_messages")
    limiter.hit(keys, now)


def verify(
    session: Session,
    settings: Settings,
    owner_kind: str,
    owner_id: str,
    code: str,
    subject_key: str,
) -> None:
    """Accept the owner's current code once, or raise. A wrong try is committed before the
    error is raised, so the 5-try limit holds whatever the caller does next. `subject_key`
    (the person or the account) also caps wrong codes across new codes and new logins."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        raise AppError("invalid_code_format", 422)
    limiter = RateLimiter(session, settings.rate_window_seconds)
    subject_limit = {f"code:{subject_key}": settings.code_failures_per_subject}
    limiter.check(subject_limit, clock.now())
    row = session.execute(
        select(OneTimeCode)
        .where(
            OneTimeCode.owner_id == owner_id,
            OneTimeCode.owner_kind == owner_kind,
            OneTimeCode.superseded_at.is_(None),
            OneTimeCode.used_at.is_(None),
        )
        .order_by(OneTimeCode.created_at.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise AppError("no_code", 409)
    now = clock.now()
    if row.failed_tries >= settings.code_max_tries:
        raise AppError("too_many_tries", 429)
    if now >= row.expires_at:
        raise AppError("code_expired", 410)
    if not codes_match(row.code_hash, settings.records_secret_key, owner_id, code):
        row.failed_tries += 1
        limiter.hit(subject_limit, now)
        session.commit()
        log.info("wrong code for %s %s (%d tries)", owner_kind, owner_id, row.failed_tries)
        if row.failed_tries >= settings.code_max_tries:
            raise AppError("too_many_tries", 429)
        raise AppError("wrong_code", 400)
    row.used_at = now
