"""Bodies and answers of the record routes (docs/contracts.md, "Record routes the assistant
uses", and the professional routes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["sms", "email", "telegram"]
Category = Literal[
    "SYNTHESE",
    "ORD_SOIN",
    "RADIO_SC",
    "BIOLOGIE",
    "CPT_REND",
    "DEPISTAG",
    "CERT_MED",
    "SYNTH_PML",
    "DOC_ADM",
    "DIR_ANT",
    "QUEST_SANTE",
    "AUTR_DOC",
]
EntryKind = Literal[
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
]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=2000)


class PersonOut(BaseModel):
    id: str
    first_name: str
    relation: Literal["self", "child", "represented"]
    birth_date: date


class AppointmentIn(_In):
    person_id: str | None = None
    professional_kind: str = Field(min_length=1, max_length=40, examples=["dentiste"])
    professional_name: str | None = Field(None, max_length=200)
    starts_at: datetime = Field(examples=["2026-12-03T10:30:00+01:00"])
    place: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=1000)
    reminders: list[Channel] = Field(default_factory=list, max_length=3)


class AppointmentPatch(_In):
    professional_kind: str | None = Field(None, min_length=1, max_length=40)
    professional_name: str | None = Field(None, max_length=200)
    starts_at: datetime | None = None
    place: str | None = Field(None, max_length=300)
    note: str | None = Field(None, max_length=1000)
    reminders: list[Channel] | None = Field(None, max_length=3)


class AppointmentOut(BaseModel):
    id: str
    person_id: str
    person_first_name: str
    professional_kind: str
    professional_name: str | None
    starts_at: datetime
    place: str | None
    note: str | None
    reminders: list[str]


class DocumentOut(BaseModel):
    id: str
    title: str
    category: str
    category_label: str
    author_name: str
    added_at: datetime
    hidden: bool
    added_by_patient: bool
    media_type: str
    person_id: str


class DocumentPatch(_In):
    title: str | None = Field(None, min_length=1, max_length=200)
    category: Category | None = None
    hidden: bool | None = None
    hidden_from_parents: bool | None = None


class DeleteDocumentsIn(_In):
    ids: list[str] = Field(min_length=1, max_length=10)


class ProfessionalOut(BaseModel):
    id: str
    name: str
    profession: str
    profession_label: str
    authorised: bool
    authorised_at: datetime | None
    blocked: bool
    administrator: bool
    occupational_consent: bool


class AdministratorIn(_In):
    administrator: bool


class AccessLogOut(BaseModel):
    at: datetime
    actor_name: str
    actor_role: str
    profession_label: str | None
    action: str
    allowed: bool
    document_title: str | None
    reason: str | None


class VaccinationDone(BaseModel):
    id: str
    code: str
    vaccine: str
    date: date
    entered_by: Literal["professional", "family"]


class VaccinationDue(BaseModel):
    code: str
    vaccine: str
    due_date: date
    obligatory: bool


class VaccinationsOut(BaseModel):
    person_id: str
    calendar_version: str
    done: list[VaccinationDone]
    due: list[VaccinationDue]


class VaccinationIn(_In):
    person_id: str | None = None
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$", examples=["ror_1"])
    date: date
    lot: str | None = Field(None, max_length=40)


class RecommendationOut(BaseModel):
    code: str
    label: str
    kind: str
    due_date: date
    obligatory: bool


class EmergencyContactIn(_In):
    person_id: str | None = None
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=30)
    relation: str = Field(min_length=1, max_length=100)


class EmergencyContactOut(BaseModel):
    id: str
    name: str
    phone: str
    relation: str


class EmergencySettings(_In):
    emergency_access: bool
    samu_access: bool
    emergency_hidden_documents: bool


class SharingSettingsIn(_In):
    hide_all: bool | None = None
    default_hidden: bool | None = None
    notify_channel: Channel | None = None


class SharingSettingsOut(BaseModel):
    hide_all: bool
    default_hidden: bool
    notify_channel: str | None


class EmergencySummary(BaseModel):
    conditions: list[str]
    treatments: list[str]
    allergies: list[str]


class EmergencyOut(EmergencySummary):
    person_id: str
    documents: list[DocumentOut] = Field(default_factory=list)


class EmergencyIn(_In):
    reason: str = Field(min_length=1, max_length=1000)


class HealthEntryIn(_In):
    person_id: str | None = None
    kind: EntryKind
    label: str = Field(min_length=1, max_length=500)
    value: float | None = Field(None, ge=0, le=1000)
    unit: str | None = Field(None, max_length=10)
    on: date | None = None


class HealthEntryOut(BaseModel):
    id: str
    kind: str
    label: str
    value: float | None
    unit: str | None
    on: date | None
    entered_by: str
    entered_by_name: str
    created_at: datetime


class ProfileOut(BaseModel):
    person_id: str
    entries: list[HealthEntryOut]
    emergency_contacts: list[EmergencyContactOut]


class MessageOut(BaseModel):
    id: str
    thread_id: str
    from_name: str
    profession_label: str | None
    sent_at: datetime
    body: str
    read: bool
    thread_open: bool


class ReplyIn(_In):
    body: str = Field(min_length=1, max_length=5000)


class ThreadIn(_In):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=5000)


class ThreadOut(BaseModel):
    id: str
    person_id: str
    subject: str
    open: bool
    opened_at: datetime


class ShareIn(_In):
    identifier: str = Field(min_length=1, max_length=100)


class SharingSummary(BaseModel):
    professionals_authorised: int
    professionals_blocked: int
    hidden_documents: int
    never: list[str]


class CatalogueOut(BaseModel):
    id: str
    name: str
    category: str
    description: str
    url: str


class Done(BaseModel):
    status: str = "ok"
