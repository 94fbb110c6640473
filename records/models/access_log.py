"""The append-only access log (SPEC §3.4): every consultation, addition, change, emergency
access and refused attempt. Rows are never updated nor deleted (database triggers refuse both)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime


class AccessLogEntry(IdMixin, Base):
    __tablename__ = "access_log"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_kind: Mapped[str] = mapped_column(String(15))  # professional | agent | excluded | …
    actor_id: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(30))
    profession: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(30))
    allowed: Mapped[bool] = mapped_column()
    status: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(50))
    document_id: Mapped[str | None] = mapped_column(String(32))
    document_title: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
