"""The transactional outbox: SMS and emails written in the same transaction as their event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, UTCDateTime, ordered_id


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    # Ordered ids: delivery and the dev outbox list messages in the order they were written.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=ordered_id)

    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Why it was sent (activation_code, login_code…), never the content.
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
