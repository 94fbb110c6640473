"""Routes of health professionals' software (API key): read a patient's record, add
documents and entries, emergency access ("bris de glace"), secure messaging.

Every route gets its person or object through records.services.record_access (`load`, or
`check` for a document not stored yet); every consultation, addition, emergency access and
refusal is logged and notified there."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.access_rules import Action
from records.deps import get_db
from records.errors import AppError
from records.models import (
    CATEGORIES,
    CareTeamLink,
    Document,
    EmergencyContact,
    HealthEntry,
    Message,
    MessageThread,
    Person,
    Professional,
    Vaccination,
    new_id,
)
from records.policy import Caller
from records.routers.record_deps import record_caller
from records.schemas.record import (
    DocumentOut,
    DocumentPatch,
    Done,
    EmergencyIn,
    EmergencyOut,
    HealthEntryIn,
    HealthEntryOut,
    ProfileOut,
    ReplyIn,
    ThreadIn,
    ThreadOut,
    VaccinationDone,
    VaccinationIn,
)
from records.services import record_views as views
from records.services.record_access import Granted, care_link, check, load, notify, settings_of
from records.storage import UploadRejected, check_upload, get_storage, read_file

router = APIRouter(tags=["record (professional)"])
REALM = "professional"


def _pro(session: Session, caller: Caller) -> Professional:
    pro = session.get(Professional, caller.professional_id)
    assert pro is not None
    return pro


def _person(
    session: Session,
    caller: Caller,
    person_id: str,
    action: Action,
    log_action: str | None = None,
    reason: str | None = None,
) -> Granted:
    _, granted = load(
        session,
        caller,
        Person,
        person_id,
        action,
        realm=REALM,
        log_action=log_action,
        reason=reason,
    )
    return granted


def _patient_doc(
    session: Session, caller: Caller, person_id: str, document_id: str
) -> tuple[Document, Granted]:
    # A document of another person is outside this URL: 404 (a refused caller is still
    # logged on the person it named).
    return load(
        session,
        caller,
        Document,
        document_id,
        Action.READ,
        realm=REALM,
        within_person=person_id,
        log_action="read_document",
    )


@router.get("/patients/{person_id}/documents", response_model=list[DocumentOut])
def list_documents(
    person_id: str,
    category: str | None = None,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _person(session, caller, person_id, Action.READ, "read_record")
    docs = views.visible_documents(session, g.actor, g.subject, category)
    session.commit()
    return [views.document_out(d) for d in docs]


@router.get("/patients/{person_id}/documents/{document_id}", response_model=DocumentOut)
def get_document(
    person_id: str,
    document_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    doc, _ = _patient_doc(session, caller, person_id, document_id)
    session.commit()
    return views.document_out(doc)


@router.get("/patients/{person_id}/documents/{document_id}/content")
def document_content(
    person_id: str,
    document_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    doc, _ = _patient_doc(session, caller, person_id, document_id)
    session.commit()
    return views.document_content(doc, read_file(doc.storage_key))


@router.patch("/patients/{person_id}/documents/{document_id}", response_model=DocumentOut)
def change_document(
    person_id: str,
    document_id: str,
    body: DocumentPatch,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """The professional who added a document corrects it (title, category, hidden flags)."""
    changes = body.model_dump(exclude_unset=True)
    # Showing again a hidden document is decided on its own: what the person hid stays hidden.
    current = session.get(Document, document_id)
    unhide = current is not None and current.hidden and changes.get("hidden") is False
    doc, g = load(
        session,
        caller,
        Document,
        document_id,
        Action.UNHIDE if unhide else Action.CHANGE,
        realm=REALM,
        within_person=person_id,
        log_action="change_document",
    )
    if changes.get("hidden_from_parents") and not g.subject.is_minor:
        session.rollback()
        raise AppError("not_a_minor", 422)
    for field in ("title", "category", "hidden", "hidden_from_parents"):
        if changes.get(field) is not None:
            setattr(doc, field, changes[field])
    doc.updated_at = clock.now()
    session.commit()
    return views.document_out(doc)


@router.post("/patients/{person_id}/documents", response_model=DocumentOut, status_code=201)
async def add_document(
    person_id: str,
    file: UploadFile = File(...),
    title: str = Form(..., min_length=1, max_length=200),
    category: str = Form(...),
    hidden: bool = Form(False),
    hidden_from_parents: bool = Form(False),
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Feeding the record needs no consent; the person is informed."""
    data = await file.read(5 * 1024 * 1024 + 1)
    rejected: UploadRejected | None = None
    try:
        media_type = check_upload(data).media_type
    except UploadRejected as exc:
        rejected, media_type = exc, "application/octet-stream"
    # The log entry needs the document's title: build the row first, decide (401/403/404
    # before any 422), then check the form and store.
    now = clock.now()
    doc = Document(
        id=new_id(),
        person_id=person_id,
        title=title.strip(),
        category=category,
        media_type=media_type,
        size=len(data),
        storage_key="",
        source="professional",
        author_professional_id=caller.professional_id,
        author_name="",
        hidden=hidden,
        hidden_from_parents=hidden_from_parents,
        added_at=now,
        updated_at=now,
    )
    g = check(
        session, caller, Action.ADD, person_id, document=doc, realm=REALM, log_action="add_document"
    )
    if category not in CATEGORIES:
        session.rollback()
        raise AppError("invalid_category", 422)
    if rejected is not None:
        session.rollback()
        raise AppError(rejected.code, 413 if rejected.code == "file_too_large" else 422)
    if hidden_from_parents and not g.subject.is_minor:
        session.rollback()
        raise AppError("not_a_minor", 422)
    if category == "DIR_ANT" and g.subject.is_minor:
        session.rollback()
        raise AppError("adults_only", 422)
    pro = _pro(session, caller)
    doc.author_name = views.professional_name(pro)
    default_hidden = settings_of(session, person_id).default_hidden
    doc.hidden = hidden or default_hidden
    doc.hidden_by_owner = default_hidden  # the person's default is the person's choice
    doc.storage_key = get_storage().put(data)
    session.add(doc)
    session.flush()
    session.commit()
    return views.document_out(doc)


@router.get("/patients/{person_id}/profile", response_model=ProfileOut)
def profile(
    person_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    g = _person(session, caller, person_id, Action.READ, "read_profile")
    contacts = session.execute(
        select(EmergencyContact).where(EmergencyContact.person_id == g.person.id)
    ).scalars()
    out = ProfileOut(
        person_id=g.person.id,
        entries=[views.entry_out(e) for e in views.entries(session, g.person.id)],
        emergency_contacts=[views.contact_out(c) for c in contacts],
    )
    session.commit()
    return out


@router.post("/patients/{person_id}/health-entries", response_model=HealthEntryOut, status_code=201)
def add_entry(
    person_id: str,
    body: HealthEntryIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _person(session, caller, person_id, Action.ADD, "add_entry")
    if body.kind == "advance_directives" and g.subject.is_minor:
        session.rollback()
        raise AppError("adults_only", 422)
    pro = _pro(session, caller)
    entry = HealthEntry(
        person_id=person_id,
        kind=body.kind,
        label=body.label.strip(),
        value=body.value,
        unit=body.unit,
        on=body.on,
        entered_by_kind="professional",
        entered_by_professional_id=pro.id,
        entered_by_name=views.professional_name(pro),
        created_at=clock.now(),
    )
    session.add(entry)
    session.commit()
    return views.entry_out(entry)


@router.post("/patients/{person_id}/vaccinations", response_model=VaccinationDone, status_code=201)
def add_vaccination(
    person_id: str,
    body: VaccinationIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    g = _person(session, caller, person_id, Action.ADD, "add_vaccination")
    if body.date > clock.now().date() or body.date < g.person.birth_date:
        session.rollback()
        raise AppError("invalid_request", 422)
    pro = _pro(session, caller)
    v = Vaccination(
        person_id=person_id,
        code=body.code.strip(),
        on=body.date,
        lot=body.lot,
        entered_by_kind="professional",
        entered_by_professional_id=pro.id,
        entered_by_name=views.professional_name(pro),
        created_at=clock.now(),
    )
    session.add(v)
    session.commit()
    return VaccinationDone(
        id=v.id,
        code=v.code,
        vaccine=views.vaccine_label(v.code),
        date=v.on,
        entered_by="professional",
    )


@router.post("/patients/{person_id}/emergency", response_model=EmergencyOut)
def emergency(
    person_id: str,
    body: EmergencyIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Break-glass access: a reason is required; gives problems, treatments and allergies
    (and hidden documents only when the person's switch allows it). Logged and notified."""
    g = _person(session, caller, person_id, Action.EMERGENCY, "emergency", reason=body.reason)
    summary = views.emergency_summary(session, person_id)
    docs = views.visible_documents(
        session, g.actor, g.subject, action=Action.EMERGENCY, reason=body.reason
    )[:50]
    out = EmergencyOut(
        person_id=person_id, documents=[views.document_out(d) for d in docs], **summary.model_dump()
    )
    session.commit()
    return out


@router.post("/patients/{person_id}/professionals/{professional_id}/block", response_model=Done)
def block_professional(
    person_id: str,
    professional_id: str,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """An administrator professional blocks another professional for this person."""
    _person(session, caller, person_id, Action.ADMIN_BLOCK, "block_professional")
    other = session.get(Professional, professional_id)
    if other is None or other.id == caller.professional_id:
        raise AppError("not_found", 404)  # the session is not committed: no log entry
    link = care_link(session, person_id, other.id)
    now = clock.now()
    if link is None:
        link = CareTeamLink(person_id=person_id, professional_id=other.id, updated_at=now)
        session.add(link)
    link.blocked_at = link.blocked_at or now
    link.updated_at = now
    session.commit()
    return Done()


# --- messaging --------------------------------------------------------------------------


def _thread_out(t: MessageThread) -> ThreadOut:
    return ThreadOut(
        id=t.id,
        person_id=t.person_id,
        subject=t.subject,
        open=t.closed_at is None,
        opened_at=t.opened_at,
    )


@router.post("/patients/{person_id}/threads", response_model=ThreadOut, status_code=201)
def start_thread(
    person_id: str,
    body: ThreadIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    """Only a professional starts a conversation."""
    g = _person(session, caller, person_id, Action.MESSAGE_START)
    now = clock.now()
    t = MessageThread(
        person_id=person_id,
        professional_id=caller.professional_id,
        subject=body.subject.strip(),
        opened_at=now,
    )
    session.add(t)
    session.flush()
    session.add(
        Message(thread_id=t.id, sender_kind="professional", body=body.body.strip(), sent_at=now)
    )
    notify(session, g.person, "new_message", who=views.professional_name(_pro(session, caller)))
    session.commit()
    return _thread_out(t)


def _thread(session: Session, caller: Caller, thread_id: str, action: Action) -> MessageThread:
    t, _ = load(session, caller, MessageThread, thread_id, action, realm=REALM)
    return t


@router.post("/threads/{thread_id}/messages", status_code=201, response_model=ThreadOut)
def pro_reply(
    thread_id: str,
    body: ReplyIn,
    caller: Caller = Depends(record_caller),
    session: Session = Depends(get_db),
):
    t = _thread(session, caller, thread_id, Action.MESSAGE_REPLY)
    session.add(
        Message(
            thread_id=t.id, sender_kind="professional", body=body.body.strip(), sent_at=clock.now()
        )
    )
    session.commit()
    return _thread_out(t)


@router.post("/threads/{thread_id}/close", response_model=ThreadOut)
def close_thread(
    thread_id: str, caller: Caller = Depends(record_caller), session: Session = Depends(get_db)
):
    t = _thread(session, caller, thread_id, Action.MESSAGE_CLOSE)
    t.closed_at = t.closed_at or clock.now()
    session.commit()
    return _thread_out(t)
