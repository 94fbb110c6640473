"""The one place record routes go through before every read and write (SPEC §3.4).

`load` takes the caller, the kind of object (a model class), its id and the action, and
returns the object with what was granted, or raises the 401/403/404; `check` does the same
for a person (or a document not stored yet). Both gather the facts from the database (who
calls, how they relate to the person, the person's choices about this professional, their
switches, the document or thread), hand them to the pure rules
(`records.access_rules.decide`) and act on the answer: the access log entry and the
notification in the same transaction, or the refusal. Excluded organisations (insurers,
mutuelles, banks, employers) come here like every caller and are refused and logged here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.access_rules import (
    Action,
    Actor,
    ActorKind,
    CareLink,
    Decision,
    DocumentFacts,
    Relation,
    Subject,
    Switches,
    ThreadFacts,
    decide,
    is_attached_parent,
    relation_of,
    tell_managers_about,
)
from records.errors import AppError
from records.messages_record import ACTOR_NAMES, NOTIFICATION_SUBJECT, NOTIFICATIONS
from records.messages_record import PROFESSION_LABELS as LABELS
from records.models import (
    AccessLogEntry,
    Account,
    Appointment,
    CareTeamLink,
    ChildLink,
    Document,
    EmergencyContact,
    HealthEntry,
    LegalRepresentation,
    Message,
    MessageThread,
    OutboxMessage,
    Person,
    Professional,
    SharingSettings,
)
from records.policy import ADULT_AGE, Caller, actor_of, age_on, manager_links, require_person
from records.services.dates import datetime_words

log = logging.getLogger("records.access")


@dataclass(frozen=True)
class Granted:
    """What a route gets back when the action is allowed."""

    person: Person
    subject: Subject
    actor: Actor
    decision: Decision


def actor_for(caller: Caller) -> Actor:
    if caller.kind == "excluded":
        return Actor(kind=ActorKind.EXCLUDED)
    return actor_of(caller)


def settings_of(session: Session, person_id: str) -> SharingSettings:
    """The person's switches; created with the defaults the first time."""
    row = session.get(SharingSettings, person_id)
    if row is None:
        row = SharingSettings(
            person_id=person_id,
            hide_all=False,
            default_hidden=False,
            emergency_access=True,
            samu_access=True,
            emergency_hidden_documents=False,
            notify_channel=None,
            updated_at=clock.now(),
        )
        session.add(row)
        session.flush()
    return row


def care_link(session: Session, person_id: str, professional_id: str) -> CareTeamLink | None:
    return session.execute(
        select(CareTeamLink).where(
            CareTeamLink.person_id == person_id, CareTeamLink.professional_id == professional_id
        )
    ).scalar_one_or_none()


def subject_of(session: Session, caller: Caller, person: Person, today: date) -> Subject:
    switches_row = session.get(SharingSettings, person.id)
    switches = Switches()
    if switches_row is not None:
        switches = Switches(
            hide_all=switches_row.hide_all,
            emergency_access=switches_row.emergency_access,
            samu_access=switches_row.samu_access,
            emergency_hidden_documents=switches_row.emergency_hidden_documents,
        )
    care = CareLink()
    if caller.kind == "professional" and caller.professional_id:
        link = care_link(session, person.id, caller.professional_id)
        if link is None and person.medecin_traitant_id == caller.professional_id:
            # The médecin traitant is in the care team and an administrator by default.
            care = CareLink(authorised=True, administrator=True)
        elif link is not None:
            care = CareLink(
                authorised=link.authorised_at is not None,
                blocked=link.blocked_at is not None,
                administrator=link.administrator,
                occupational_consent=link.occupational_consent_at is not None,
            )
    relation, attached = Relation.NONE, False
    if caller.kind in ("patient", "assistant") and caller.acts_for_person:
        links = manager_links(session, person.id)
        age = age_on(person.birth_date, today)
        relation = relation_of(caller.person_id, person.id, links, age)
        attached = relation is Relation.PARENT and is_attached_parent(caller.person_id, links)
    return Subject(
        person_id=person.id,
        relation=relation,
        is_minor=age_on(person.birth_date, today) < ADULT_AGE,
        attached_parent=attached,
        care=care,
        switches=switches,
    )


def document_facts(doc: Document) -> DocumentFacts:
    return DocumentFacts(
        category=doc.category,
        hidden=doc.hidden,
        hidden_by_owner=doc.hidden_by_owner,
        hidden_from_parents=doc.hidden_from_parents,
        author_professional_id=doc.author_professional_id,
        added_by_patient_side=doc.source == "patient",
    )


def thread_facts(thread: MessageThread) -> ThreadFacts:
    return ThreadFacts(professional_id=thread.professional_id, open=thread.closed_at is None)


def _refuse(session: Session, caller: Caller, decision: Decision, logged: bool) -> AppError:
    if logged:
        session.commit()  # the refused attempt stays in the log
    if decision.status == 401:
        require_person(caller)  # raises the account's own 401 codes
        return AppError("unauthenticated", 401)
    code = decision.code if decision.status != 404 else "not_found"
    return AppError(code, decision.status)


def check(
    session: Session,
    caller: Caller,
    action: Action,
    person_id: str | None,
    *,
    document: Document | None = None,
    thread: MessageThread | None = None,
    reason: str | None = None,
    log_action: str | None = None,
    realm: str | None = None,
) -> Granted:
    """Decide, log, notify; raise AppError (401/403/404) when refused."""
    now = clock.now()
    person = session.get(Person, person_id) if person_id else None
    actor = actor_for(caller)
    subject = subject_of(session, caller, person, now.date()) if person is not None else None
    decision = decide(
        actor,
        action,
        subject,
        document_facts(document) if document is not None else None,
        thread_facts(thread) if thread is not None else None,
        reason,
        realm,
    )
    if decision.log and person is not None:
        record(
            session,
            caller,
            person,
            log_action or action.value,
            decision,
            document=document,
            reason=reason,
        )
    if not decision.allowed:
        raise _refuse(session, caller, decision, decision.log and person is not None)
    assert person is not None and subject is not None
    return Granted(person, subject, actor, decision)


# --- the loader: every object of a record, by kind ----------------------------------------

T = TypeVar("T")


def _message_owner(session: Session, message: Message) -> str | None:
    thread = session.get(MessageThread, message.thread_id)
    return thread.person_id if thread is not None else None


# Whose record each kind of object belongs to, and whether it still counts as there.
OWNER: dict[type, Callable[[Session, Any], str | None]] = {
    Person: lambda _s, o: o.id,
    Document: lambda _s, o: o.person_id,
    Appointment: lambda _s, o: o.person_id if o.cancelled_at is None else None,
    HealthEntry: lambda _s, o: o.person_id if o.ended_at is None else None,
    EmergencyContact: lambda _s, o: o.person_id,
    MessageThread: lambda _s, o: o.person_id,
    Message: _message_owner,
}


def load(
    session: Session,
    caller: Caller,
    kind: type[T],
    object_id: str | None,
    action: Action,
    *,
    realm: str,
    within_person: str | None = None,
    reason: str | None = None,
    log_action: str | None = None,
) -> tuple[T, Granted]:
    """The object of this kind and id, if the caller may do `action` on it; else the 401,
    403 or 404 (logged when the rules say so).

    `within_person` is the person a URL names (professional routes): an object of another
    person is outside that URL. When the object is missing, the caller still gets their own
    refusal first (401 anonymous, 403 the other side or an excluded organisation, logged on
    the person the URL named), then 404."""
    owner_of = OWNER[kind]
    obj = session.get(kind, object_id) if object_id else None
    person_id = owner_of(session, obj) if obj is not None else None
    if person_id is None or (within_person is not None and person_id != within_person):
        _refuse_missing(session, caller, action, realm, within_person, log_action)
    assert obj is not None
    document = obj if isinstance(obj, Document) else None
    thread = obj if isinstance(obj, MessageThread) else None
    if isinstance(obj, Message):
        thread = session.get(MessageThread, obj.thread_id)
    granted = check(
        session,
        caller,
        action,
        person_id,
        document=document,
        thread=thread,
        reason=reason,
        log_action=log_action,
        realm=realm,
    )
    return obj, granted


def _refuse_missing(
    session: Session,
    caller: Caller,
    action: Action,
    realm: str,
    within_person: str | None,
    log_action: str | None,
) -> None:
    person = session.get(Person, within_person) if within_person else None
    actor = actor_for(caller)
    subject = subject_of(session, caller, person, clock.now().date()) if person else None
    decision = decide(actor, action, subject, realm=realm)
    if not decision.allowed and decision.status != 404:
        if decision.log and person is not None:
            record(session, caller, person, log_action or action.value, decision)
        raise _refuse(session, caller, decision, decision.log and person is not None)
    raise AppError("not_found", 404)


# --- the access log and the notification ------------------------------------------------


def professional_title(pro: Professional) -> str:
    """What the person is told the professional is: the title as recorded ("infirmière"),
    else the profession's label."""
    return pro.title or LABELS.get(pro.profession, pro.profession)


def _actor_identity(session: Session, caller: Caller) -> tuple[str, str, str | None, str | None]:
    """(name, role, profession, id) of the caller, for the log."""
    if caller.kind == "professional" and caller.professional_id:
        pro = session.get(Professional, caller.professional_id)
        if pro is not None:
            name = f"{pro.first_name} {pro.last_name}"
            return name, "professional", pro.profession, pro.id
    if caller.kind == "excluded":
        return ACTOR_NAMES["excluded"], "excluded", None, caller.organisation_id
    if caller.kind == "agent":
        return ACTOR_NAMES["agent"], "agent", None, caller.agent_id
    if caller.person_id:
        p = session.get(Person, caller.person_id)
        if p is not None:
            return f"{p.first_name} {p.last_name}", caller.kind, None, p.id
    return caller.kind, caller.kind, None, None


NOTIFY_TEMPLATE = {
    "read_record": "record_read",
    "read_document": "document_read",
    "read_profile": "record_read",
    "add_document": "document_added",
    "change_document": "document_changed",
    "add_entry": "entry_added",
    "add_vaccination": "entry_added",
    "emergency": "emergency_access",
    "block_professional": "professional_blocked_by_admin",
}


def record(
    session: Session,
    caller: Caller,
    person: Person,
    action: str,
    decision: Decision,
    *,
    document: Document | None = None,
    reason: str | None = None,
) -> AccessLogEntry:
    """One access log row and one notification, in the caller's transaction."""
    now = clock.now()
    name, role, profession, actor_id = _actor_identity(session, caller)
    entry = AccessLogEntry(
        person_id=person.id,
        at=now,
        actor_kind=caller.kind,
        actor_id=actor_id,
        actor_name=name,
        actor_role=role,
        profession=profession,
        action=action if decision.allowed else f"refused_{action}",
        allowed=decision.allowed,
        status=decision.status if not decision.allowed else 200,
        code=decision.code,
        document_id=document.id if document is not None else None,
        document_title=document.title if document is not None else None,
        reason=(reason or "")[:1000] or None,
    )
    session.add(entry)
    template = NOTIFY_TEMPLATE.get(action, "record_read") if decision.allowed else "refused_access"
    who = name
    if profession:
        pro = session.get(Professional, actor_id) if actor_id else None
        title = professional_title(pro) if pro is not None else LABELS.get(profession, profession)
        who = f"{name}, {title},"
    facts = document_facts(document) if document is not None else None
    if recipient_of(session, person) is person or tell_managers_about(facts):
        notify(session, person, template, who=who, when=datetime_words(now))
    session.flush()
    log.info("access log: %s %s on a record (%s)", role, entry.action, decision.code)
    return entry


def recipient_of(session: Session, person: Person) -> Person:
    """Who hears about a person's record: the person when they have an active account,
    otherwise the parent the child is attached to or the legal representative."""
    if _has_account(session, person.id):
        return person
    manager = session.execute(
        select(Person)
        .join(ChildLink, ChildLink.parent_id == Person.id)
        .where(ChildLink.child_id == person.id, ChildLink.role == "attached")
    ).scalar_one_or_none()
    if manager is None:
        manager = (
            session.execute(
                select(Person)
                .join(LegalRepresentation, LegalRepresentation.representative_id == Person.id)
                .where(LegalRepresentation.protected_id == person.id)
            )
            .scalars()
            .first()
        )
    return manager or person


def _has_account(session: Session, person_id: str) -> bool:
    return (
        session.execute(
            select(Account.id).where(Account.person_id == person_id, Account.status == "active")
        ).first()
        is not None
    )


def channel_for(session: Session, person: Person, wanted: str | None = None) -> tuple[str, str]:
    """(channel, address) by the person's choice, else SMS, else email."""
    choice = wanted or settings_of(session, person.id).notify_channel
    if choice == "telegram" and person.phone:
        # Addressed by phone: the Telegram bridge finds the chat linked to it; a sender
        # without Telegram delivers it as an SMS, so the person is told either way.
        return "telegram", person.phone
    if choice == "email" and person.email:
        return "email", person.email
    if person.phone:
        return "sms", person.phone
    if person.email:
        return "email", person.email
    return "none", ""


def notify(
    session: Session,
    person: Person,
    template: str,
    channel: str | None = None,
    when_at: datetime | None = None,
    **values: str,
) -> OutboxMessage | None:
    """Write one notification to the outbox (delivered later with retries)."""
    target = recipient_of(session, person)
    chosen, address = channel_for(session, target, channel)
    if chosen == "none":
        log.warning("no contact to notify for a record event (%s)", template)
        return None
    now = when_at or clock.now()
    message = OutboxMessage(
        channel=chosen,
        to=address,
        subject=NOTIFICATION_SUBJECT if chosen == "email" else None,
        body=NOTIFICATIONS[template].format(**values),
        purpose=f"record_{template}"[:40],
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message
