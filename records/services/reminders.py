"""Reminders (SPEC §3.3): before each appointment by the channels the person chose, and for
the recommended vaccinations and screenings of the people an account holder follows.

The scheduler keeps no state in memory: each reminder is a row with a unique key, planned
once and sent once, so a restart (or a second replica) never sends it twice. Sending writes
the outbox message and marks the reminder in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records import clock
from records.db import Database
from records.messages_record import PROFESSION_LABELS, VACCINE_LABELS
from records.models import Account, Appointment, Person, Reminder, Vaccination
from records.policy import managed_people
from records.services.dates import date_words, datetime_words
from records.services.recommendations import DoneVaccine, recommendations
from records.services.record_access import notify, recipient_of
from records.settings import Settings

log = logging.getLogger("records.reminders")

APPOINTMENT_LEAD = timedelta(hours=24)
RECOMMENDED_LEAD_DAYS = 30
SEND_AT = time(9, 0)  # recommended reminders leave at 9 in the morning, Paris time
POLL_SECONDS = 60.0
OVERDUE_DAYS = 90  # a recommendation overdue longer than this gets no reminder


def _insert_once(session: Session, reminder: Reminder) -> bool:
    """Insert unless a reminder with this key exists (also under a race with a replica)."""
    exists = session.execute(select(Reminder.id).where(Reminder.key == reminder.key)).first()
    if exists:
        return False
    try:
        with session.begin_nested():
            session.add(reminder)
    except IntegrityError:
        return False
    return True


def plan_appointments(session: Session, now: datetime) -> int:
    planned = 0
    appts = session.execute(
        select(Appointment).where(
            Appointment.cancelled_at.is_(None),
            Appointment.starts_at > now,
            Appointment.starts_at <= now + APPOINTMENT_LEAD + timedelta(days=7),
            Appointment.reminders != "",
        )
    ).scalars()
    for appt in appts:
        person = session.get(Person, appt.person_id)
        if person is None:
            continue
        recipient = recipient_of(session, person)
        for channel in filter(None, appt.reminders.split(",")):
            key = f"appt:{appt.id}:{channel}:{appt.starts_at.isoformat()}"
            planned += _insert_once(
                session,
                Reminder(
                    key=key,
                    kind="appointment",
                    person_id=person.id,
                    recipient_person_id=recipient.id,
                    appointment_id=appt.id,
                    target_at=appt.starts_at,
                    channel=channel,
                    due_at=appt.starts_at - APPOINTMENT_LEAD,
                    created_at=now,
                ),
            )
    return planned


def followed_people(session: Session, today) -> list[Person]:
    """Account holders and the people they follow (children, protected adults)."""
    people: dict[str, Person] = {}
    holders = session.execute(
        select(Person)
        .join(Account, Account.person_id == Person.id)
        .where(Account.status == "active")
    ).scalars()
    for holder in holders:
        people[holder.id] = holder
        for p, _ in managed_people(session, holder.id, today):
            people[p.id] = p
    return list(people.values())


def plan_recommended(session: Session, now: datetime) -> int:
    planned = 0
    today = clock.to_paris(now).date()
    for person in followed_people(session, today):
        done = [
            DoneVaccine(v.code, v.on)
            for v in session.execute(
                select(Vaccination).where(Vaccination.person_id == person.id)
            ).scalars()
        ]
        recipient = recipient_of(session, person)
        for rec in recommendations(
            person.birth_date, person.sex, done, today, horizon_days=RECOMMENDED_LEAD_DAYS
        ):
            if rec.due_date < today - timedelta(days=OVERDUE_DAYS):
                continue  # long overdue: the doctor's business, not a daily reminder
            send_day = rec.due_date - timedelta(days=RECOMMENDED_LEAD_DAYS)
            due_at = datetime.combine(send_day, SEND_AT, tzinfo=clock.PARIS)
            target = datetime.combine(rec.due_date, SEND_AT, tzinfo=clock.PARIS)
            planned += _insert_once(
                session,
                Reminder(
                    key=f"rec:{person.id}:{rec.code}:{rec.due_date.isoformat()}",
                    kind="recommended",
                    person_id=person.id,
                    recipient_person_id=recipient.id,
                    target_at=target,
                    code=rec.vaccine,
                    channel="",
                    due_at=due_at,
                    created_at=now,
                ),
            )
    return planned


def _lock_due(session: Session, now: datetime) -> Reminder | None:
    query = (
        select(Reminder)
        .where(Reminder.sent_at.is_(None), Reminder.skipped_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).scalar_one_or_none()


def send_due(db: Database, now: datetime, limit: int = 200) -> int:
    """Send what is due, one transaction per reminder."""
    sent = 0
    for _ in range(limit):
        with db.session() as session:
            reminder = _lock_due(session, now)
            if reminder is None:
                break
            person = session.get(Person, reminder.person_id)
            ok = person is not None and _deliver(session, reminder, person)
            if ok:
                reminder.sent_at = now
                sent += 1
            else:
                reminder.skipped_at = now
            session.commit()
    return sent


def _deliver(session: Session, reminder: Reminder, person: Person) -> bool:
    recipient = session.get(Person, reminder.recipient_person_id) or person
    is_self = recipient.id == person.id
    who_for = "vous" if is_self else person.first_name
    if reminder.kind == "appointment":
        appt = session.get(Appointment, reminder.appointment_id)
        # Cancelled or moved since planned: this reminder is void (the new time has its own).
        if appt is None or appt.cancelled_at is not None or appt.starts_at != reminder.target_at:
            return False
        if reminder.channel not in appt.reminders.split(","):
            return False  # the person no longer wants this channel
        who = appt.professional_name or PROFESSION_LABELS.get(
            appt.professional_kind, appt.professional_kind
        )
        message = notify(
            session,
            person,
            "appointment_reminder",
            channel=reminder.channel,
            name=who_for,
            when=datetime_words(appt.starts_at),
            who=who,
        )
    else:
        what = VACCINE_LABELS.get(reminder.code or "", reminder.code or "")
        message = notify(
            session,
            person,
            "recommended_reminder",
            name=who_for,
            what=what,
            when=date_words(clock.to_paris(reminder.target_at).date()),
        )
    return message is not None


def tick(db: Database, now: datetime | None = None) -> tuple[int, int]:
    """Plan what is new, then send what is due. Returns (planned, sent)."""
    now = now or clock.now()
    with db.session() as session:
        planned = plan_appointments(session, now) + plan_recommended(session, now)
        session.commit()
    return planned, send_due(db, now)


async def run_scheduler(db: Database, poll_seconds: float = POLL_SECONDS) -> None:
    while True:
        try:
            planned, sent = await asyncio.to_thread(tick, db)
            if planned or sent:
                log.info("reminders: %d planned, %d sent", planned, sent)
        except Exception as exc:  # keep the scheduler alive; the next tick retries
            log.error("reminder tick failed: %s", type(exc).__name__)
        await asyncio.sleep(poll_seconds)


def install(app: FastAPI, settings: Settings) -> None:
    """Run the scheduler with the app, like the outbox worker (same switch)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with inner(a):
            task = None
            if settings.outbox_worker_enabled:
                task = asyncio.create_task(run_scheduler(a.state.db))
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    app.router.lifespan_context = lifespan
