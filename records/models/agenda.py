"""The agenda (SPEC §3.3): appointments and the reminders sent for them and for the
recommended vaccinations and screenings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime

REMINDER_CHANNELS = ("sms", "email", "telegram")


class Appointment(IdMixin, Base):
    __tablename__ = "appointments"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_by_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    professional_kind: Mapped[str] = mapped_column(String(40))
    professional_name: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    reminders: Mapped[str] = mapped_column(String(40), default="")  # "sms,email"
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reminder(IdMixin, Base):
    """One reminder to send. `key` is unique: the scheduler inserts a reminder once, sends
    it once (even after a restart or with several replicas)."""

    __tablename__ = "reminders"

    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # appointment | recommended
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    recipient_person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    appointment_id: Mapped[str | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    target_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the appointment or due date
    code: Mapped[str | None] = mapped_column(String(40))  # recommended: vaccine or screening
    channel: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
