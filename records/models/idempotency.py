"""Answers kept for writes sent with an `Idempotency-Key` (docs/contracts.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, UTCDateTime


class IdempotentAnswer(Base):
    """One write and the answer records gave it, so a retry gets the same answer.

    `key` is a hash of the caller (its token and conversation), the method, the path and the
    key it sent: the raw token and key are not stored. `status` is NULL while the first
    request is still running.
    """

    __tablename__ = "idempotent_answers"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
