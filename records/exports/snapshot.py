"""A plain copy of one person's record, the input of every export.

The exports never touch the database: the router fills a snapshot (with only what the caller
may see) and hands it over. That keeps each export testable on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class PersonData:
    id: str
    first_name: str
    last_name: str
    birth_date: date
    sex: str  # "F" or "M"
    nir: str | None = None


@dataclass(frozen=True)
class DocumentData:
    id: str
    title: str
    category: str
    category_label: str
    media_type: str
    added_at: datetime
    author_name: str


@dataclass(frozen=True)
class EntryData:
    """A medical profile entry: allergy, condition, treatment, measurement…"""

    id: str
    kind: str
    label: str
    recorded_at: datetime
    entered_by_kind: str  # "patient", "family", "representative" or "professional"
    entered_by_name: str
    value: float | None = None
    unit: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class VaccinationData:
    id: str
    code: str
    label: str
    on: date
    entered_by_kind: str  # "professional" or "family"
    entered_by_name: str
    lot: str | None = None


@dataclass(frozen=True)
class AppointmentData:
    id: str
    starts_at: datetime
    professional_kind: str
    professional_name: str | None
    place: str | None
    note: str | None
    cancelled: bool = False


@dataclass(frozen=True)
class ConsentData:
    id: str
    professional_name: str
    kind: str  # "care_team" or "occupational"
    given_at: datetime
    blocked: bool = False


@dataclass(frozen=True)
class AuditData:
    id: str
    at: datetime
    actor_name: str
    actor_role: str
    action: str
    allowed: bool
    reason: str | None = None


@dataclass(frozen=True)
class RecordSnapshot:
    person: PersonData
    documents: list[DocumentData] = field(default_factory=list)
    entries: list[EntryData] = field(default_factory=list)
    vaccinations: list[VaccinationData] = field(default_factory=list)
    appointments: list[AppointmentData] = field(default_factory=list)
    consents: list[ConsentData] = field(default_factory=list)
    audit: list[AuditData] = field(default_factory=list)
