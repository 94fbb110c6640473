"""Who a caller is and whom they act for (SPEC §3.4, §3.5): the caller resolved per request,
which people a person manages (children under 18 attached or shared to them, protected adults
they represent), the refusal of excluded organisations at the door of account routes, and the
relations the sharing rules need (`actor_of`, `manager_links`).

The sharing rules themselves (consent, profession matrix, blocking, hidden documents,
emergency access) are the pure `records.access_rules.decide`. Record routes go through
records/services/record_access.py (`load`, `check`), which uses this module, never the other
way round.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from records.access_rules import Actor, ActorKind, ManagerLink
from records.errors import AppError
from records.models import ChildLink, LegalRepresentation, Person

log = logging.getLogger("records.policy")

ADULT_AGE = 18


@dataclass(frozen=True)
class Caller:
    """Who is calling, resolved once per request by records.deps."""

    kind: str  # anonymous | patient | professional | agent | assistant | excluded
    client_key: str
    account_id: str | None = None
    person_id: str | None = None
    session_id: str | None = None
    professional_id: str | None = None
    profession: str | None = None
    agent_id: str | None = None
    conversation_id: str | None = None
    organisation_id: str | None = None  # an excluded organisation (insurer, mutuelle…)

    @property
    def acts_for_person(self) -> bool:
        """A patient session, or the assistant in a linked conversation."""
        return self.person_id is not None and self.kind in ("patient", "assistant")


def age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def managed_people(session: Session, person_id: str, today: date) -> list[tuple[Person, str]]:
    """People this person acts for: minor children attached to them (or shared with them)
    and protected adults they represent. At 18 a child's parents lose access."""
    result: list[tuple[Person, str]] = []
    links = session.execute(
        select(Person, ChildLink)
        .join(ChildLink, ChildLink.child_id == Person.id)
        .where(
            ChildLink.parent_id == person_id,
            or_(ChildLink.role == "attached", ChildLink.shared_at.is_not(None)),
        )
        .order_by(Person.birth_date)
    ).all()
    for child, _link in links:
        if age_on(child.birth_date, today) < ADULT_AGE:
            result.append((child, "child"))
    represented = session.execute(
        select(Person)
        .join(LegalRepresentation, LegalRepresentation.protected_id == Person.id)
        .where(LegalRepresentation.representative_id == person_id)
    ).scalars()
    result.extend((person, "represented") for person in represented)
    return result


def require_person(caller: Caller) -> str:
    """The person whose own data the caller may use; else 401."""
    if caller.acts_for_person and caller.person_id:
        return caller.person_id
    if caller.kind == "assistant":
        code = "conversation_not_linked" if caller.conversation_id else "conversation_required"
        raise AppError(code, 401)
    if caller.kind in ("professional", "agent"):
        raise AppError("forbidden", 403)
    raise AppError("unauthenticated", 401)


def can_act_for(session: Session, caller: Caller, person_id: str, today: date) -> bool:
    """The caller's own person or someone they manage."""
    if not caller.acts_for_person or caller.person_id is None:
        return False
    if caller.person_id == person_id:
        return True
    return any(p.id == person_id for p, _ in managed_people(session, caller.person_id, today))


def refuse_excluded_organisation(org_id: str, kind: str, path: str) -> AppError:
    """Insurers, mutuelles, banks and employers never get access (CSP L1111-18)."""
    log.warning("refused access attempt by excluded organisation %s (%s) on %s", org_id, kind, path)
    return AppError("excluded_organisation", 403)


def actor_of(caller: Caller) -> Actor:
    """The caller as the pure rules see it. A patient-side actor is identified by person id."""
    kinds = {
        "patient": ActorKind.PATIENT,
        "assistant": ActorKind.ASSISTANT if caller.person_id else ActorKind.ANONYMOUS,
        "professional": ActorKind.PROFESSIONAL,
        "agent": ActorKind.AGENT,
        "anonymous": ActorKind.ANONYMOUS,
    }
    return Actor(
        kind=kinds.get(caller.kind, ActorKind.ANONYMOUS),
        user_id=caller.person_id,
        professional_id=caller.professional_id,
        profession=caller.profession,
    )


def manager_links(session: Session, person_id: str) -> list[ManagerLink]:
    """Parents (granted when attached or shared) and legal representatives of a person."""
    links = [
        ManagerLink(
            manager_user_id=link.parent_id,
            kind="parent",
            granted=link.role == "attached" or link.shared_at is not None,
            attached=link.role == "attached",
        )
        for link in session.execute(
            select(ChildLink).where(ChildLink.child_id == person_id)
        ).scalars()
    ]
    links.extend(
        ManagerLink(manager_user_id=rep, kind="representative")
        for rep in session.execute(
            select(LegalRepresentation.representative_id).where(
                LegalRepresentation.protected_id == person_id
            )
        ).scalars()
    )
    return links
