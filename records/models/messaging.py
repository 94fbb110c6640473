"""Secure messaging (SPEC §3.3): a professional starts a thread, the person replies while it
is open, the professional closes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime


class MessageThread(IdMixin, Base):
    __tablename__ = "message_threads"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[str] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Message(IdMixin, Base):
    __tablename__ = "messages"

    thread_id: Mapped[str] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE"), index=True
    )
    sender_kind: Mapped[str] = mapped_column(String(15))  # professional | patient
    sender_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
