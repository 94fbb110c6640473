"""The person's own record, for the person, a parent, a representative, or the assistant
acting for one of them (docs/contracts.md, "Record routes the assistant uses").

Every route gets its person or object through records.services.record_access.load, which
decides, logs and refuses. `person_id` picks a person the user manages; without it, the user."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.access_rules import Action, Relation
from records.deps import get_db
from records.errors import AppError
from records.exports.certificate_pdf import certificate_pdf
from records.exports.fhir import build_bundle
from records.exports.growth_chart import growth_svg
from records.messages_record import VACCINE_LABELS
from records.models import (
    CATEGORIES,
    Account,
    Appointment,
    CareTeamLink,
    ChildLink,
    Document,
    EmergencyContact,
    HealthEntry,
    Message,
    MessageThread,
    Person,
    Professional,
    Vaccination,
)
from records.policy import Caller, managed_people
from records.routers.record_deps import record_caller
from records.schemas.record import (
    AccessLogOut,
    AdministratorIn,
    AppointmentIn,
    AppointmentOut,
    AppointmentPatch,
    CatalogueOut,
    DeleteDocumentsIn,
    DocumentOut,
    Done,
    EmergencyContactIn,
    EmergencyContactOut,
    EmergencySettings,
    EmergencySummary,
    HealthEntryIn,
    HealthEntryOut,
    MessageOut,
    PersonOut,
    ProfessionalOut,
    ProfileOut,
    RecommendationOut,
    ReplyIn,
    ShareIn,
    SharingSettingsIn,
    SharingSettingsOut,
    SharingSummary,
    VaccinationDone,
    VaccinationDue,
    VaccinationIn,
    VaccinationsOut,
)
from records.services import record_views as views
from records.services.recommendations import (
    DoneVaccine,
    calendar_version,
    due_vaccinations,
    recommendations,
)
from records.services.record_access import (
    Granted,
    load,
    notify,
    professional_title,
    settings_of,
)
from records.storage import UploadRejected, check_upload, get_storage, read_file

router = APIRouter(tags=["record (person)"])
REALM = "patient"
NEVER = ["mutuelle", "assurance", "banque", "employeur"]


def _me(session: Session, caller: Caller, action: Action, person_id: str | None = None) -> Granted:
    """The person a /me route works on: `person_id` when given, else the caller."""
    _, granted = load(session, caller, Person, person_id or caller.person_id, action, realm=REALM)
    return granted


def _entered_by(g: Granted) -> str:
    rel = g.subject.relation
    if rel is Relation.PARENT:
        return "family"
    if rel is Relation.REPRESENTATIVE:
        return "representative"
    return "patient"


def _caller_name(session: Session, caller: Caller) -> str:
    p = session.get(Person, caller.person_id) if caller.person_id else None
    return f"{p.first_name} {p.last_name}" if p else ""


# --- people ---------------------------------------------------------------------------


@router.get("/me/people", response_model=list[PersonOut])
def people(caller: Caller = Depends(record_caller), session: Session = Depends(get_db)):
    g = _me(session, caller, Action.READ)
    out = [
        PersonOut(
            id=g.person.id,
            first_name=g.person.first_name,
            relation="self",
            birth_date=g.person.birth_date,
        )
    ]
    for p, relation in managed_people(session, g.person.id, clock.now().date()):
        out.append(
            PersonOut(id=p.id, first_name=p.first_name, relation=relation, birth_date=p.birth_date)
        )
    return out


# --- agenda ---------------------------------------------------------------------------


def _family_ids(session: Session, g: Granted) -> list[str]:
    today = clock.now().date()
    return [g.person.id] + [p.id for p, _ in managed_people(session, g.person.id, today)]


@router.get("/me/appointments", response_model=list[AppointmentOut])
def list_appointments(
    upcoming: bool = True,
    person_id: str | None = None,
    limit: int = Query(50, ge=1, le=200),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    ids = [g.person.id] if person_id else _family_ids(session, g)
    query = (
        select(Appointment, Person)
        .join(Person, Person.id == Appointment.person_id)
        .where(Appointment.person_id.in_(ids), Appointment.cancelled_at.is_(None))
    )
    if upcoming:
        query = query.where(Appointment.starts_at >= clock.now() - timedelta(hours=1))
    rows = session.execute(query.order_by(Appointment.starts_at).limit(limit)).all()
    return [views.appointment_out(a, p) for a, p in rows]


@router.post("/me/appointments", response_model=AppointmentOut, status_code=201)
def add_appointment(
    body: AppointmentIn, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    g = _me(session, caller, Action.MANAGE, body.person_id)
    if body.starts_at.tzinfo is None:
        body.starts_at = body.starts_at.replace(tzinfo=clock.PARIS)
    if body.starts_at < clock.now():
        raise AppError("appointment_in_past", 422)
    now = clock.now()
    appt = Appointment(
        person_id=g.person.id,
        created_by_person_id=caller.person_id,
        professional_kind=body.professional_kind.strip(),
        professional_name=body.professional_name,
        starts_at=body.starts_at,
        place=body.place,
        note=body.note,
        reminders=",".join(dict.fromkeys(body.reminders)),
        created_at=now,
        updated_at=now,
    )
    session.add(appt)
    session.commit()
    return views.appointment_out(appt, g.person)


def _appointment(
    session: Session, caller: Caller, appointment_id: str
) -> tuple[Appointment, Granted]:
    return load(session, caller, Appointment, appointment_id, Action.MANAGE, realm=REALM)


@router.patch("/me/appointments/{appointment_id}", response_model=AppointmentOut)
def change_appointment(
    appointment_id: str,
    body: AppointmentPatch,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    appt, g = _appointment(session, caller, appointment_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("starts_at") is not None:
        starts = changes["starts_at"]
        if starts.tzinfo is None:
            starts = starts.replace(tzinfo=clock.PARIS)
        if starts < clock.now():
            raise AppError("appointment_in_past", 422)
        appt.starts_at = starts
    for field in ("professional_name", "place", "note"):
        if field in changes:
            setattr(appt, field, changes[field])
    if changes.get("professional_kind"):
        appt.professional_kind = changes["professional_kind"]
    if changes.get("reminders") is not None:
        appt.reminders = ",".join(dict.fromkeys(changes["reminders"]))
    appt.updated_at = clock.now()
    session.commit()
    return views.appointment_out(appt, g.person)


@router.delete("/me/appointments/{appointment_id}", status_code=204)
def cancel_appointment(
    appointment_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    appt, _ = _appointment(session, caller, appointment_id)
    appt.cancelled_at = clock.now()
    session.commit()
    return Response(status_code=204)


# --- documents ------------------------------------------------------------------------


@router.get("/me/documents", response_model=list[DocumentOut])
def list_documents(
    category: str | None = None,
    person_id: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    if category is not None and category not in CATEGORIES:
        raise AppError("invalid_category", 422)
    docs = views.visible_documents(session, g.actor, g.subject, category)
    return [views.document_out(d) for d in docs[:limit]]


@router.post("/me/documents", response_model=DocumentOut, status_code=201)
async def upload_document(
    file: UploadFile = File(...),
    title: str = Form(..., min_length=1, max_length=200),
    category: str = Form("AUTR_DOC"),
    person_id: str | None = Form(None),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.ADD, person_id)
    if category not in CATEGORIES:
        raise AppError("invalid_category", 422)
    if category == "DIR_ANT" and g.subject.is_minor:
        raise AppError("adults_only", 422)
    data = await file.read(5 * 1024 * 1024 + 1)
    try:
        kind = check_upload(data)
    except UploadRejected as exc:
        raise AppError(exc.code, 413 if exc.code == "file_too_large" else 422) from exc
    key = get_storage().put(data)
    now = clock.now()
    default_hidden = settings_of(session, g.person.id).default_hidden
    doc = Document(
        person_id=g.person.id,
        title=title.strip(),
        category=category,
        media_type=kind.media_type,
        size=len(data),
        storage_key=key,
        source="patient",
        added_by_person_id=caller.person_id,
        author_name=_caller_name(session, caller),
        hidden=default_hidden,
        hidden_by_owner=default_hidden,
        hidden_from_parents=False,
        added_at=now,
        updated_at=now,
    )
    session.add(doc)
    session.commit()
    return views.document_out(doc)


def _document(session: Session, caller: Caller, document_id: str, action: Action) -> Document:
    doc, _ = load(session, caller, Document, document_id, action, realm=REALM)
    return doc


@router.get("/me/documents/{document_id}", response_model=DocumentOut)
def get_document(
    document_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    return views.document_out(_document(session, caller, document_id, Action.READ))


@router.get("/me/documents/{document_id}/content")
def document_content(
    document_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    doc = _document(session, caller, document_id, Action.READ)
    return views.document_content(doc, read_file(doc.storage_key))


@router.post("/me/documents/{document_id}/hide", response_model=DocumentOut)
def hide_document(
    document_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    doc = _document(session, caller, document_id, Action.MANAGE)
    doc.hidden, doc.hidden_by_owner, doc.updated_at = True, True, clock.now()
    session.commit()
    return views.document_out(doc)


@router.post("/me/documents/{document_id}/show", response_model=DocumentOut)
def show_document(
    document_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    doc = _document(session, caller, document_id, Action.UNHIDE)
    doc.hidden, doc.hidden_by_owner, doc.updated_at = False, False, clock.now()
    session.commit()
    return views.document_out(doc)


def _delete(session: Session, caller: Caller, ids: list[str]) -> None:
    docs = [_document(session, caller, i, Action.DELETE) for i in dict.fromkeys(ids)]
    keys = [d.storage_key for d in docs]
    for d in docs:
        session.delete(d)
    session.commit()
    for key in keys:  # files go after the rows: never a row without its file
        get_storage().delete(key)


@router.delete("/me/documents/{document_id}", status_code=204)
def delete_document(
    document_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    _delete(session, caller, [document_id])
    return Response(status_code=204)


@router.post("/me/documents/delete", response_model=Done)
def delete_documents(
    body: DeleteDocumentsIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """At most 10 at a time, and only documents the person's side added."""
    _delete(session, caller, body.ids)
    return Done()


# --- professionals and sharing ----------------------------------------------------------


def _link(session: Session, person_id: str, professional_id: str) -> CareTeamLink:
    link = session.execute(
        select(CareTeamLink).where(
            CareTeamLink.person_id == person_id, CareTeamLink.professional_id == professional_id
        )
    ).scalar_one_or_none()
    if link is None:
        person = session.get(Person, person_id)
        traitant = person is not None and person.medecin_traitant_id == professional_id
        link = CareTeamLink(
            person_id=person_id,
            professional_id=professional_id,
            authorised_at=clock.now() if traitant else None,
            administrator=traitant,  # the médecin traitant is an administrator by default
            updated_at=clock.now(),
        )
        session.add(link)
        session.flush()
    return link


def _professional_out(
    pro: Professional, link: CareTeamLink | None, traitant: bool
) -> ProfessionalOut:
    authorised = link.authorised_at is not None if link else traitant
    return ProfessionalOut(
        id=pro.id,
        name=views.professional_name(pro),
        profession=pro.profession,
        profession_label=professional_title(pro),
        authorised=authorised,
        authorised_at=link.authorised_at if link else None,
        blocked=bool(link and link.blocked_at),
        administrator=link.administrator if link else traitant,
        occupational_consent=bool(link and link.occupational_consent_at),
    )


@router.get("/me/professionals", response_model=list[ProfessionalOut])
def list_professionals(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    rows = session.execute(
        select(CareTeamLink, Professional)
        .join(Professional, Professional.id == CareTeamLink.professional_id)
        .where(CareTeamLink.person_id == g.person.id)
        .order_by(Professional.last_name)
    ).all()
    out = [_professional_out(p, link, p.id == g.person.medecin_traitant_id) for link, p in rows]
    seen = {p.id for p in out}
    traitant = g.person.medecin_traitant_id
    if traitant and traitant not in seen:
        pro = session.get(Professional, traitant)
        if pro is not None:
            out.insert(0, _professional_out(pro, None, True))
    return out


def _pro_action(
    session: Session, caller: Caller, professional_id: str, person_id: str | None, action: Action
) -> tuple[Granted, Professional, CareTeamLink]:
    g = _me(session, caller, action, person_id)
    pro = session.get(Professional, professional_id)
    if pro is None:
        raise AppError("not_found", 404)
    return g, pro, _link(session, g.person.id, pro.id)


def _done(session: Session, g: Granted, pro: Professional, link: CareTeamLink) -> ProfessionalOut:
    link.updated_at = clock.now()
    session.commit()
    return _professional_out(pro, link, pro.id == g.person.medecin_traitant_id)


@router.post("/me/professionals/{professional_id}/block", response_model=ProfessionalOut)
def block(
    professional_id: str,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g, pro, link = _pro_action(session, caller, professional_id, person_id, Action.MANAGE)
    link.blocked_at = link.blocked_at or clock.now()
    return _done(session, g, pro, link)


@router.post("/me/professionals/{professional_id}/unblock", response_model=ProfessionalOut)
def unblock(
    professional_id: str,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g, pro, link = _pro_action(session, caller, professional_id, person_id, Action.MANAGE)
    link.blocked_at = None
    return _done(session, g, pro, link)


@router.post("/me/professionals/{professional_id}/authorise", response_model=ProfessionalOut)
def authorise(
    professional_id: str,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Care-team consent, recorded with its date."""
    g, pro, link = _pro_action(session, caller, professional_id, person_id, Action.MANAGE)
    link.authorised_at = clock.now()
    return _done(session, g, pro, link)


@router.post("/me/professionals/{professional_id}/revoke", response_model=ProfessionalOut)
def revoke(
    professional_id: str,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g, pro, link = _pro_action(session, caller, professional_id, person_id, Action.MANAGE)
    link.authorised_at = None
    link.administrator = False
    return _done(session, g, pro, link)


@router.put("/me/professionals/{professional_id}/administrator", response_model=ProfessionalOut)
def administrator(
    professional_id: str,
    body: AdministratorIn,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g, pro, link = _pro_action(session, caller, professional_id, person_id, Action.MANAGE)
    link.administrator = body.administrator
    if body.administrator and link.authorised_at is None:
        link.authorised_at = clock.now()
    return _done(session, g, pro, link)


@router.post(
    "/me/professionals/{professional_id}/occupational-consent", response_model=ProfessionalOut
)
def occupational_consent(
    professional_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Only the person, in their own session: never the assistant on their behalf."""
    g, pro, link = _pro_action(session, caller, professional_id, None, Action.CONSENT_OCCUPATIONAL)
    if pro.profession != "medecin_du_travail":
        raise AppError("invalid_request", 422)
    link.occupational_consent_at = clock.now()
    return _done(session, g, pro, link)


@router.delete(
    "/me/professionals/{professional_id}/occupational-consent", response_model=ProfessionalOut
)
def withdraw_occupational_consent(
    professional_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g, pro, link = _pro_action(session, caller, professional_id, None, Action.MANAGE)
    link.occupational_consent_at = None
    return _done(session, g, pro, link)


@router.get("/me/sharing-summary", response_model=SharingSummary)
def sharing_summary(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    links = list(
        session.execute(select(CareTeamLink).where(CareTeamLink.person_id == g.person.id)).scalars()
    )
    authorised = {lk.professional_id for lk in links if lk.authorised_at and not lk.blocked_at}
    has_traitant_link = any(lk.professional_id == g.person.medecin_traitant_id for lk in links)
    if g.person.medecin_traitant_id and not has_traitant_link:
        authorised.add(g.person.medecin_traitant_id)
    hidden = views.hidden_count(session, g.actor, g.subject)
    session.commit()
    return SharingSummary(
        professionals_authorised=len(authorised),
        professionals_blocked=sum(1 for lk in links if lk.blocked_at),
        hidden_documents=hidden,
        never=NEVER,
    )


@router.get("/me/sharing-settings", response_model=SharingSettingsOut)
def get_sharing_settings(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    s = settings_of(session, g.person.id)
    session.commit()
    return SharingSettingsOut(
        hide_all=s.hide_all, default_hidden=s.default_hidden, notify_channel=s.notify_channel
    )


@router.put("/me/sharing-settings", response_model=SharingSettingsOut)
def put_sharing_settings(
    body: SharingSettingsIn,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.MANAGE, person_id)
    s = settings_of(session, g.person.id)
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is not None or field == "notify_channel":
            setattr(s, field, value)
    s.updated_at = clock.now()
    session.commit()
    return SharingSettingsOut(
        hide_all=s.hide_all, default_hidden=s.default_hidden, notify_channel=s.notify_channel
    )


@router.get("/me/emergency-settings", response_model=EmergencySettings)
def get_emergency_settings(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    s = settings_of(session, g.person.id)
    session.commit()
    return EmergencySettings(
        emergency_access=s.emergency_access,
        samu_access=s.samu_access,
        emergency_hidden_documents=s.emergency_hidden_documents,
    )


@router.put("/me/emergency-settings", response_model=EmergencySettings)
def put_emergency_settings(
    body: EmergencySettings,
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.MANAGE, person_id)
    s = settings_of(session, g.person.id)
    s.emergency_access = body.emergency_access
    s.samu_access = body.samu_access
    s.emergency_hidden_documents = body.emergency_hidden_documents
    s.updated_at = clock.now()
    session.commit()
    return body


@router.get("/me/emergency-summary", response_model=EmergencySummary)
def get_emergency_summary(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    return views.emergency_summary(session, g.person.id)


# --- children ---------------------------------------------------------------------------


def _recorded_parent(session: Session, child_id: str, identifier: str) -> ChildLink:
    """The child's other parent as recorded for this child, with an active account."""
    found = session.execute(
        select(ChildLink)
        .join(Account, Account.person_id == ChildLink.parent_id)
        .where(
            ChildLink.child_id == child_id,
            ChildLink.role == "second_parent",
            Account.identifier == identifier.strip().lower(),
            Account.status == "active",
        )
    ).scalar_one_or_none()
    if found is None:
        raise AppError("second_parent_not_found", 404)
    return found


def _attached_parent(session: Session, child_id: str) -> Person | None:
    return session.execute(
        select(Person)
        .join(ChildLink, ChildLink.parent_id == Person.id)
        .where(ChildLink.child_id == child_id, ChildLink.role == "attached")
    ).scalar_one_or_none()


def _tell_of_share(session: Session, child: Person, other: Person, template: str) -> None:
    """The attached parent hears of every change of who follows the child."""
    attached = _attached_parent(session, child.id)
    if attached is not None:
        notify(session, attached, template, child=child.first_name, other=other.first_name)


@router.post("/me/children/{child_id}/share", response_model=Done)
def share_child(
    child_id: str,
    body: ShareIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Share a child's profile with the other parent recorded for the child, who must have an
    active account. Only the parent the child is attached to (or the representative)."""
    g = _me(session, caller, Action.SHARE_CHILD, child_id)
    link = _recorded_parent(session, child_id, body.identifier)
    if link.shared_at is not None:
        raise AppError("already_shared", 409)
    link.shared_at = clock.now()
    second = session.get(Person, link.parent_id)
    assert second is not None
    notify(session, second, "child_shared", child=g.person.first_name)
    _tell_of_share(session, g.person, second, "child_share_started")
    session.commit()
    return Done()


@router.delete("/me/children/{child_id}/share/{parent_id}", status_code=204)
def unshare_child(
    child_id: str,
    parent_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Stop the share; the recorded link stays so the parent can share again later."""
    g = _me(session, caller, Action.SHARE_CHILD, child_id)
    link = session.execute(
        select(ChildLink).where(
            ChildLink.child_id == child_id,
            ChildLink.parent_id == parent_id,
            ChildLink.role == "second_parent",
            ChildLink.shared_at.is_not(None),
        )
    ).scalar_one_or_none()
    if link is None:
        raise AppError("not_found", 404)
    link.shared_at = None
    second = session.get(Person, link.parent_id)
    assert second is not None
    notify(session, second, "child_unshared", child=g.person.first_name)
    _tell_of_share(session, g.person, second, "child_share_stopped")
    session.commit()
    return Response(status_code=204)


# --- profile ----------------------------------------------------------------------------


@router.get("/me/profile", response_model=ProfileOut)
def profile(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    contacts = session.execute(
        select(EmergencyContact).where(EmergencyContact.person_id == g.person.id)
    ).scalars()
    return ProfileOut(
        person_id=g.person.id,
        entries=[views.entry_out(e) for e in views.entries(session, g.person.id)],
        emergency_contacts=[views.contact_out(c) for c in contacts],
    )


@router.post("/me/health-entries", response_model=HealthEntryOut, status_code=201)
def add_health_entry(
    body: HealthEntryIn, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    g = _me(session, caller, Action.ADD, body.person_id)
    if body.kind == "advance_directives" and g.subject.is_minor:
        raise AppError("adults_only", 422)
    entry = HealthEntry(
        person_id=g.person.id,
        kind=body.kind,
        label=body.label.strip(),
        value=body.value,
        unit=body.unit,
        on=body.on,
        entered_by_kind=_entered_by(g),
        entered_by_person_id=caller.person_id,
        entered_by_name=_caller_name(session, caller),
        created_at=clock.now(),
    )
    session.add(entry)
    session.commit()
    return views.entry_out(entry)


@router.delete("/me/health-entries/{entry_id}", status_code=204)
def remove_health_entry(
    entry_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    entry, _ = load(session, caller, HealthEntry, entry_id, Action.MANAGE, realm=REALM)
    if entry.entered_by_kind == "professional":
        raise AppError("document_not_yours", 403)
    entry.ended_at = clock.now()
    session.commit()
    return Response(status_code=204)


@router.get("/me/emergency-contacts", response_model=list[EmergencyContactOut])
def list_contacts(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    rows = session.execute(
        select(EmergencyContact)
        .where(EmergencyContact.person_id == g.person.id)
        .order_by(EmergencyContact.created_at)
    ).scalars()
    return [views.contact_out(c) for c in rows]


@router.post("/me/emergency-contacts", response_model=EmergencyContactOut, status_code=201)
def add_contact(
    body: EmergencyContactIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.MANAGE, body.person_id)
    from records.services.validation import normalize_phone

    contact = EmergencyContact(
        person_id=g.person.id,
        name=body.name.strip(),
        phone=normalize_phone(body.phone),
        relation=body.relation.strip(),
        entered_by_person_id=caller.person_id,
        created_at=clock.now(),
    )
    session.add(contact)
    session.commit()
    return views.contact_out(contact)


@router.delete("/me/emergency-contacts/{contact_id}", status_code=204)
def remove_contact(
    contact_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    contact, _ = load(session, caller, EmergencyContact, contact_id, Action.MANAGE, realm=REALM)
    session.delete(contact)
    session.commit()
    return Response(status_code=204)


# --- vaccinations and recommendations ---------------------------------------------------


def _done_vaccines(session: Session, person_id: str) -> list[DoneVaccine]:
    return [DoneVaccine(v.code, v.on) for v in views.vaccinations(session, person_id)]


@router.get("/me/vaccinations", response_model=VaccinationsOut)
def list_vaccinations(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    done = views.vaccinations(session, g.person.id)
    due = due_vaccinations(
        g.person.birth_date, _done_vaccines(session, g.person.id), clock.now().date()
    )
    return VaccinationsOut(
        person_id=g.person.id,
        calendar_version=calendar_version(),
        done=[
            VaccinationDone(
                id=v.id,
                code=v.code,
                vaccine=views.vaccine_label(v.code),
                date=v.on,
                entered_by=views.entered_by_family(v.entered_by_kind),
            )
            for v in done
        ],
        due=[
            VaccinationDue(
                code=r.code,
                vaccine=VACCINE_LABELS.get(r.vaccine, r.vaccine),
                due_date=r.due_date,
                obligatory=r.obligatory,
            )
            for r in due
        ],
    )


@router.post("/me/vaccinations", response_model=VaccinationDone, status_code=201)
def declare_vaccination(
    body: VaccinationIn, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    """The family notes a vaccine: the certificate shows it as declared by the family."""
    g = _me(session, caller, Action.ADD, body.person_id)
    if body.date > clock.now().date() or body.date < g.person.birth_date:
        raise AppError("invalid_request", 422)
    v = Vaccination(
        person_id=g.person.id,
        code=body.code.strip(),
        on=body.date,
        lot=body.lot,
        entered_by_kind=_entered_by(g),
        entered_by_person_id=caller.person_id,
        entered_by_name=_caller_name(session, caller),
        created_at=clock.now(),
    )
    session.add(v)
    session.commit()
    return VaccinationDone(
        id=v.id, code=v.code, vaccine=views.vaccine_label(v.code), date=v.on, entered_by="family"
    )


@router.get("/me/recommendations", response_model=list[RecommendationOut])
def list_recommendations(
    person_id: str | None = None,
    horizon_days: int = Query(365, ge=0, le=3650),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.READ, person_id)
    recs = recommendations(
        g.person.birth_date,
        g.person.sex,
        _done_vaccines(session, g.person.id),
        clock.now().date(),
        horizon_days,
    )
    return [
        RecommendationOut(
            code=r.code,
            label=VACCINE_LABELS.get(r.vaccine, r.vaccine),
            kind=r.kind,
            due_date=r.due_date,
            obligatory=r.obligatory,
        )
        for r in recs
    ]


# --- access log and messages ------------------------------------------------------------


@router.get("/me/access-log", response_model=list[AccessLogOut])
def access_log(
    person_id: str | None = None,
    limit: int = Query(20, ge=1, le=500),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Who saw or changed the record: "qui a vu mon dossier"."""
    g = _me(session, caller, Action.READ, person_id)
    rows = views.visible_log(session, g.actor, g.subject, limit)
    labels = views.log_profession_labels(session, rows)
    return [
        AccessLogOut(
            at=clock.to_paris(r.at),
            actor_name=r.actor_name,
            actor_role=r.actor_role,
            profession_label=label,
            action=r.action,
            allowed=r.allowed,
            document_title=r.document_title,
            reason=r.reason,
        )
        for r, label in zip(rows, labels, strict=True)
    ]


def _message_out(
    m: Message, t: MessageThread, pro: Professional, sender: Person | None
) -> MessageOut:
    by_pro = m.sender_kind == "professional"
    return MessageOut(
        id=m.id,
        thread_id=t.id,
        from_name=views.professional_name(pro)
        if by_pro
        else (f"{sender.first_name} {sender.last_name}" if sender else ""),
        profession_label=professional_title(pro) if by_pro else None,
        sent_at=clock.to_paris(m.sent_at),
        body=m.body,
        read=m.read_at is not None or not by_pro,
        thread_open=t.closed_at is None,
    )


@router.get("/me/messages", response_model=list[MessageOut])
def list_messages(
    unread: bool = False,
    person_id: str | None = None,
    limit: int = Query(50, ge=1, le=500),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.MESSAGE_READ, person_id)
    query = (
        select(Message, MessageThread, Professional)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .join(Professional, Professional.id == MessageThread.professional_id)
        .where(MessageThread.person_id == g.person.id)
    )
    if unread:
        query = query.where(Message.read_at.is_(None), Message.sender_kind == "professional")
    rows = session.execute(query.order_by(Message.sent_at.desc(), Message.id).limit(limit)).all()
    return [
        _message_out(
            m, t, p, session.get(Person, m.sender_person_id) if m.sender_person_id else None
        )
        for m, t, p in rows
    ]


@router.post("/me/messages/{message_id}/read", response_model=MessageOut)
def mark_read(
    message_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    m, _ = load(session, caller, Message, message_id, Action.MESSAGE_READ, realm=REALM)
    t = session.get(MessageThread, m.thread_id)
    assert t is not None
    m.read_at = m.read_at or clock.now()
    session.commit()
    pro = session.get(Professional, t.professional_id)
    assert pro is not None
    return _message_out(m, t, pro, None)


@router.post("/me/threads/{thread_id}/reply", response_model=MessageOut, status_code=201)
def reply(
    thread_id: str,
    body: ReplyIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """The person answers while the professional keeps the conversation open."""
    t, _ = load(session, caller, MessageThread, thread_id, Action.MESSAGE_REPLY, realm=REALM)
    m = Message(
        thread_id=t.id,
        sender_kind="patient",
        sender_person_id=caller.person_id,
        body=body.body.strip(),
        sent_at=clock.now(),
    )
    session.add(m)
    session.commit()
    pro = session.get(Professional, t.professional_id)
    assert pro is not None
    sender = session.get(Person, caller.person_id) if caller.person_id else None
    return _message_out(m, t, pro, sender)


# --- exports ----------------------------------------------------------------------------


@router.get("/me/export/fhir")
def export_fhir(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.EXPORT, person_id)
    snap = views.snapshot(session, g.person, g.actor, g.subject, clock.now().date())
    return build_bundle(snap, clock.now())


@router.get("/me/export/vaccination-certificate")
def export_certificate(
    person_id: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.EXPORT, person_id)
    snap = views.snapshot(session, g.person, g.actor, g.subject, clock.now().date())
    pdf = certificate_pdf(snap.person, snap.vaccinations, clock.now())
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="vaccinations.pdf"'},
    )


@router.get("/me/export/growth-chart")
def export_growth_chart(
    person_id: str | None = None,
    indicator: str = Query("weight", pattern="^(weight|height)$"),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _me(session, caller, Action.EXPORT, person_id)
    born = g.person.birth_date
    points = []
    for e in views.entries(session, g.person.id, (indicator,)):
        when = e.on or e.created_at.date()
        months = (when - born).days / 30.4375
        if e.value is not None and 0 <= months <= 60:
            points.append((months, e.value))
    svg = growth_svg(indicator, g.person.sex, g.person.first_name, points)
    return Response(svg, media_type="image/svg+xml")


# --- catalogue --------------------------------------------------------------------------


@router.get("/catalogue", response_model=list[CatalogueOut])
def catalogue(category: str | None = None, session: Session = Depends(get_db)):
    """Approved health apps and sites: public, like the brochure."""
    from records.models import CatalogueApp

    query = select(CatalogueApp)
    if category:
        query = query.where(CatalogueApp.category == category)
    return [
        CatalogueOut(
            id=a.id, name=a.name, category=a.category, description=a.description, url=a.url
        )
        for a in session.execute(query.order_by(CatalogueApp.name)).scalars()
    ]
