"""The medical profile (SPEC §3.3): entries, vaccinations, emergency contacts. Every row says
who entered it (the person, a parent, a representative or a professional)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime

# One kind per line of the profile. Measurements carry a value and a unit.
ENTRY_KINDS = (
    "condition",
    "allergy",
    "treatment",
    "weight",
    "height",
    "head_circumference",
    "blood_group",
    "disability",
    "trusted_person",
    "important_person",
    "advance_directives",
    "organ_donation",
)
MEASUREMENT_KINDS = ("weight", "height", "head_circumference")
ENTERED_BY = ("patient", "family", "representative", "professional")


class EnteredByMixin:
    entered_by_kind: Mapped[str] = mapped_column(String(15))
    entered_by_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    entered_by_professional_id: Mapped[str | None] = mapped_column(
        ForeignKey("professionals.id", ondelete="SET NULL")
    )
    entered_by_name: Mapped[str] = mapped_column(String(200))


class HealthEntry(IdMixin, EnteredByMixin, Base):
    __tablename__ = "health_entries"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(10))
    on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Vaccination(IdMixin, EnteredByMixin, Base):
    __tablename__ = "vaccinations"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    # A dose code of records/data/vaccination_calendar.yml, or a vaccine family.
    code: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    lot: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EmergencyContact(IdMixin, Base):
    __tablename__ = "emergency_contacts"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    relation: Mapped[str] = mapped_column(String(100))
    entered_by_person_id: Mapped[str | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
