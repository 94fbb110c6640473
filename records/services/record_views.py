"""Turning record rows into answers and export snapshots. No access decision here: callers
pass only rows the policy already let through."""

from __future__ import annotations

from datetime import date

from fastapi import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.access_rules import Action, Actor, Subject, can_read_document, is_hidden
from records.exports.snapshot import (
    AppointmentData,
    AuditData,
    ConsentData,
    DocumentData,
    EntryData,
    PersonData,
    RecordSnapshot,
    VaccinationData,
)
from records.messages_record import CATEGORY_LABELS, PROFESSION_LABELS, VACCINE_LABELS
from records.models import (
    AccessLogEntry,
    Appointment,
    CareTeamLink,
    Document,
    EmergencyContact,
    HealthEntry,
    Person,
    Professional,
    Vaccination,
)
from records.schemas.record import (
    AppointmentOut,
    DocumentOut,
    EmergencyContactOut,
    EmergencySummary,
    HealthEntryOut,
)
from records.services.recommendations import vaccine_of
from records.services.record_access import document_facts, professional_title


def document_out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        title=doc.title,
        category=doc.category,
        category_label=CATEGORY_LABELS.get(doc.category, doc.category),
        author_name=doc.author_name,
        added_at=doc.added_at,
        hidden=doc.hidden,
        added_by_patient=doc.source == "patient",
        media_type=doc.media_type,
        person_id=doc.person_id,
    )


def visible_documents(
    session: Session,
    actor: Actor,
    subject: Subject,
    category: str | None = None,
    action: Action = Action.READ,
    reason: str | None = None,
) -> list[Document]:
    """The person's documents this actor may read (by `action`: a read or an emergency
    access), newest first."""
    query = select(Document).where(Document.person_id == subject.person_id)
    if category:
        query = query.where(Document.category == category)
    docs = session.execute(query.order_by(Document.added_at.desc(), Document.id)).scalars()
    return [d for d in docs if can_read_document(actor, subject, document_facts(d), action, reason)]


def hidden_count(session: Session, actor: Actor, subject: Subject) -> int:
    """How many of the documents this actor may see are hidden from professionals."""
    docs = visible_documents(session, actor, subject)
    return sum(1 for d in docs if is_hidden(document_facts(d), subject.switches))


def visible_log(
    session: Session, actor: Actor, subject: Subject, limit: int
) -> list[AccessLogEntry]:
    """The person's access log as this actor may see it, newest first: an entry about a
    document the actor may not read (a minor's secret, for a parent) is left out."""
    rows = session.execute(
        select(AccessLogEntry)
        .where(AccessLogEntry.person_id == subject.person_id)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id)
    ).scalars()
    out: list[AccessLogEntry] = []
    for row in rows:
        if row.document_id is not None:
            doc = session.get(Document, row.document_id)
            if doc is not None and not can_read_document(actor, subject, document_facts(doc)):
                continue
        out.append(row)
        if len(out) >= limit:
            break
    return out


# A stored document is given as a download that a browser never runs or renders inline.
CONTENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/tiff": "tif",
    "application/rtf": "rtf",
    "text/plain": "txt",
}


def document_content(doc: Document, data: bytes) -> Response:
    extension = EXTENSIONS.get(doc.media_type, "bin")
    disposition = f'attachment; filename="document-{doc.id}.{extension}"'
    return Response(
        data,
        media_type=doc.media_type,
        headers={"Content-Disposition": disposition, **CONTENT_HEADERS},
    )


def appointment_out(appt: Appointment, person: Person) -> AppointmentOut:
    return AppointmentOut(
        id=appt.id,
        person_id=appt.person_id,
        person_first_name=person.first_name,
        professional_kind=appt.professional_kind,
        professional_name=appt.professional_name,
        starts_at=clock.to_paris(appt.starts_at),
        place=appt.place,
        note=appt.note,
        reminders=[c for c in appt.reminders.split(",") if c],
    )


def entry_out(e: HealthEntry) -> HealthEntryOut:
    return HealthEntryOut(
        id=e.id,
        kind=e.kind,
        label=e.label,
        value=e.value,
        unit=e.unit,
        on=e.on,
        entered_by=e.entered_by_kind,
        entered_by_name=e.entered_by_name,
        created_at=e.created_at,
    )


def contact_out(c: EmergencyContact) -> EmergencyContactOut:
    return EmergencyContactOut(id=c.id, name=c.name, phone=c.phone, relation=c.relation)


def entries(session: Session, person_id: str, kinds: tuple[str, ...] | None = None):
    query = select(HealthEntry).where(
        HealthEntry.person_id == person_id, HealthEntry.ended_at.is_(None)
    )
    if kinds:
        query = query.where(HealthEntry.kind.in_(kinds))
    return list(session.execute(query.order_by(HealthEntry.created_at.desc())).scalars())


def emergency_summary(session: Session, person_id: str) -> EmergencySummary:
    rows = entries(session, person_id, ("condition", "treatment", "allergy"))
    return EmergencySummary(
        conditions=[e.label for e in rows if e.kind == "condition"],
        treatments=[e.label for e in rows if e.kind == "treatment"],
        allergies=[e.label for e in rows if e.kind == "allergy"],
    )


def vaccinations(session: Session, person_id: str) -> list[Vaccination]:
    return list(
        session.execute(
            select(Vaccination)
            .where(Vaccination.person_id == person_id)
            .order_by(Vaccination.on, Vaccination.code)
        ).scalars()
    )


def vaccine_label(code: str) -> str:
    family = vaccine_of(code)
    return VACCINE_LABELS.get(family, VACCINE_LABELS.get(code, code))


def entered_by_family(kind: str) -> str:
    return "professional" if kind == "professional" else "family"


def professional_name(pro: Professional) -> str:
    return f"{pro.first_name} {pro.last_name}"


def snapshot(
    session: Session, person: Person, actor: Actor, subject: Subject, today: date
) -> RecordSnapshot:
    """Everything of the record this actor may see, for the exports."""
    docs = visible_documents(session, actor, subject)
    links = session.execute(
        select(CareTeamLink, Professional)
        .join(Professional, Professional.id == CareTeamLink.professional_id)
        .where(CareTeamLink.person_id == person.id)
    ).all()
    consents = [
        ConsentData(
            id=link.id,
            professional_name=professional_name(pro),
            kind="occupational" if link.occupational_consent_at else "care_team",
            given_at=link.occupational_consent_at or link.authorised_at or link.updated_at,
            blocked=link.blocked_at is not None,
        )
        for link, pro in links
        if link.authorised_at or link.occupational_consent_at or link.blocked_at
    ]
    audit = visible_log(session, actor, subject, 500)
    appts = session.execute(
        select(Appointment)
        .where(Appointment.person_id == person.id)
        .order_by(Appointment.starts_at)
    ).scalars()
    return RecordSnapshot(
        person=PersonData(
            person.id,
            person.first_name,
            person.last_name,
            person.birth_date,
            person.sex,
            person.nir,
        ),
        documents=[
            DocumentData(
                d.id,
                d.title,
                d.category,
                CATEGORY_LABELS.get(d.category, d.category),
                d.media_type,
                d.added_at,
                d.author_name,
            )
            for d in docs
        ],
        entries=[
            EntryData(
                e.id,
                e.kind,
                e.label,
                e.created_at,
                e.entered_by_kind,
                e.entered_by_name,
                value=e.value,
                unit=e.unit,
                on=e.on,
            )
            for e in entries(session, person.id)
        ],
        vaccinations=[
            VaccinationData(
                v.id,
                v.code,
                vaccine_label(v.code),
                v.on,
                entered_by_family(v.entered_by_kind),
                v.entered_by_name,
                v.lot,
            )
            for v in vaccinations(session, person.id)
        ],
        appointments=[
            AppointmentData(
                a.id,
                a.starts_at,
                a.professional_kind,
                a.professional_name,
                a.place,
                a.note,
                a.cancelled_at is not None,
            )
            for a in appts
        ],
        consents=consents,
        audit=[
            AuditData(a.id, a.at, a.actor_name, a.actor_role, a.action, a.allowed, a.reason)
            for a in audit
        ],
    )


def profession_label(profession: str | None) -> str | None:
    if profession is None:
        return None
    return PROFESSION_LABELS.get(profession, profession)


def log_profession_labels(session: Session, rows: list[AccessLogEntry]) -> list[str | None]:
    """Per log row, the professional's title as recorded now, else the logged profession's
    label (a professional removed since keeps the label)."""
    ids = {r.actor_id for r in rows if r.actor_role == "professional" and r.actor_id}
    pros = session.execute(select(Professional).where(Professional.id.in_(ids))).scalars()
    titles = {pro.id: professional_title(pro) for pro in pros}
    return [titles.get(r.actor_id or "") or profession_label(r.profession) for r in rows]
