"""The person's sharing choices (SPEC §3.4): one row per professional (care-team consent with
its date, block, administrator, médecin du travail consent) and the person's switches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime


class CareTeamLink(IdMixin, Base):
    __tablename__ = "care_team_links"
    __table_args__ = (UniqueConstraint("person_id", "professional_id"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[str] = mapped_column(
        ForeignKey("professionals.id", ondelete="CASCADE"), index=True
    )
    authorised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    administrator: Mapped[bool] = mapped_column(default=False)
    # Médecin du travail: explicit consent given by the person in their own session.
    occupational_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SharingSettings(Base):
    __tablename__ = "sharing_settings"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    hide_all: Mapped[bool] = mapped_column(default=False)
    default_hidden: Mapped[bool] = mapped_column(default=False)
    emergency_access: Mapped[bool] = mapped_column(default=True)
    samu_access: Mapped[bool] = mapped_column(default=True)
    emergency_hidden_documents: Mapped[bool] = mapped_column(default=False)
    notify_channel: Mapped[str | None] = mapped_column(String(10))  # sms | email | telegram
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
