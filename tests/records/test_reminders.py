"""The reminder scheduler with a frozen clock: each reminder leaves once, at the right time,
also after a restart (a new Database, as a new process would have)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from fixtures_record import *  # noqa: F403 - fixtures
from fixtures_record import fresh_session
from sqlalchemy import func, select

from records import clock as clock_module
from records.db import Database
from records.models import Appointment, OutboxMessage, Person, Reminder, Vaccination
from records.services.reminders import tick


def outbox(database, purpose: str) -> list[OutboxMessage]:
    with database.session() as s:
        return list(
            s.execute(
                select(OutboxMessage)
                .where(OutboxMessage.purpose == purpose)
                .order_by(OutboxMessage.created_at)
            ).scalars()
        )


def test_appointment_reminder_sent_once_at_the_right_time(
    rclient, world, database, settings, clock
):
    starts = clock_module.now() + timedelta(days=2)
    r = rclient.post(
        "/me/appointments",
        headers=world.headers("owner"),
        json={
            "professional_kind": "dentiste",
            "professional_name": "Docteur Lefebvre",
            "starts_at": starts.isoformat(),
            "place": "Lyon",
            "reminders": ["sms", "email"],
        },
    )
    assert r.status_code == 201, r.text
    planned, _ = tick(database)
    assert planned >= 2
    assert outbox(database, "record_appointment_reminder") == []
    # One minute before the 24-hour mark: still nothing.
    clock.advance(days=1, minutes=-1)
    tick(database)
    assert outbox(database, "record_appointment_reminder") == []
    clock.advance(minutes=2)
    tick(database)
    messages = outbox(database, "record_appointment_reminder")
    assert sorted(m.channel for m in messages) == ["email", "sms"]
    assert "Docteur Lefebvre" in messages[0].body and "rendez-vous pour vous" in messages[0].body
    # Again, and after a restart: nothing more.
    tick(database)
    restarted = Database(settings)
    try:
        tick(restarted)
    finally:
        restarted.dispose()
    assert len(outbox(database, "record_appointment_reminder")) == 2


def test_moved_or_cancelled_appointment(rclient, world, database, settings, clock):
    h = world.headers("owner")
    starts = clock_module.now() + timedelta(days=2)
    appt = rclient.post(
        "/me/appointments",
        headers=h,
        json={
            "professional_kind": "kine",
            "starts_at": starts.isoformat(),
            "reminders": ["sms"],
        },
    ).json()
    tick(database)
    new_start = starts + timedelta(days=1)
    r = rclient.patch(
        f"/me/appointments/{appt['id']}", headers=h, json={"starts_at": new_start.isoformat()}
    )
    assert r.status_code == 200
    tick(database)
    clock.advance(days=1, minutes=1)  # the old reminder time: void, nothing leaves
    tick(database)
    assert outbox(database, "record_appointment_reminder") == []
    clock.advance(days=1)  # the new reminder time
    tick(database)
    assert len(outbox(database, "record_appointment_reminder")) == 1
    fresh_session(database, settings, world, "owner")
    h = world.headers("owner")
    other = rclient.post(
        "/me/appointments",
        headers=h,
        json={
            "professional_kind": "infirmier",
            "starts_at": (clock_module.now() + timedelta(days=2)).isoformat(),
            "reminders": ["sms"],
        },
    ).json()
    tick(database)
    assert rclient.delete(f"/me/appointments/{other['id']}", headers=h).status_code == 204
    clock.advance(days=1, minutes=1)
    tick(database)
    assert len(outbox(database, "record_appointment_reminder")) == 1


def test_recommended_reminders_for_a_child_go_to_the_parent(world, database, clock):
    # The child is about 3 years old: the DTCaP booster at 6 is far; make a baby instead.
    with database.session() as s:
        child = s.get(Person, world.ids["child"])
        child.birth_date = clock_module.now().date() - timedelta(days=20)
        s.commit()
        parent_phone = s.get(Person, world.ids["parent"]).phone
    tick(database)
    # First doses at 2 months (in about 40 days): too early for a reminder.
    assert not [m for m in outbox(database, "record_recommended_reminder") if "Chloé" in m.body]
    clock.advance(days=12)  # now due in 29 days: the reminder leaves (30 days before)
    tick(database)
    with database.session() as s:
        keys = [
            r.key
            for r in s.execute(
                select(Reminder).where(Reminder.person_id == world.ids["child"])
            ).scalars()
        ]
    assert any(":hexavalent_1:" in k for k in keys)
    sent = [m for m in outbox(database, "record_recommended_reminder") if "Chloé" in m.body]
    assert sent and all(m.to == parent_phone for m in sent)
    count = len(sent)
    # The vaccine is given: no new reminder for it, and the sent ones are never repeated.
    with database.session() as s:
        s.add(
            Vaccination(
                person_id=world.ids["child"],
                code="hexavalent_1",
                on=clock_module.now().date(),
                entered_by_kind="professional",
                entered_by_name="Docteur",
                created_at=clock_module.now(),
            )
        )
        s.commit()
    for _ in range(3):
        tick(database)
    after = [m for m in outbox(database, "record_recommended_reminder") if "Chloé" in m.body]
    assert len(after) == count


def test_each_reminder_key_exists_once(rclient, world, database, clock):
    starts = clock_module.now() + timedelta(days=3)
    rclient.post(
        "/me/appointments",
        headers=world.headers("owner"),
        json={
            "professional_kind": "dentiste",
            "starts_at": starts.isoformat(),
            "reminders": ["sms"],
        },
    )
    for _ in range(3):
        tick(database)
    with database.session() as s:
        total = s.scalar(select(func.count()).select_from(Reminder))
        distinct = s.scalar(select(func.count(func.distinct(Reminder.key))))
        assert total == distinct and total > 0
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1


def test_recommended_send_time_is_nine_in_paris(world, database, clock):
    with database.session() as s:
        child = s.get(Person, world.ids["child"])
        child.birth_date = date(2026, 10, 1)
        s.commit()
    tick(database)
    with database.session() as s:
        r = s.execute(
            select(Reminder).where(Reminder.key.like(f"rec:{world.ids['child']}:hexavalent_1:%"))
        ).scalar_one()
        local = clock_module.to_paris(r.due_at)
        assert (local.hour, local.minute) == (9, 0)
        assert local.date() == date(2026, 11, 1)
        assert isinstance(r.target_at, datetime)


def test_a_channel_taken_off_is_not_used(rclient, world, database, clock):
    h = world.headers("owner")
    starts = clock_module.now() + timedelta(days=2)
    appt = rclient.post(
        "/me/appointments",
        headers=h,
        json={
            "professional_kind": "dentiste",
            "starts_at": starts.isoformat(),
            "reminders": ["sms", "email"],
        },
    ).json()
    tick(database)
    r = rclient.patch(f"/me/appointments/{appt['id']}", headers=h, json={"reminders": ["email"]})
    assert r.status_code == 200 and r.json()["reminders"] == ["email"]
    clock.advance(days=1, minutes=1)
    tick(database)
    assert [m.channel for m in outbox(database, "record_appointment_reminder")] == ["email"]
