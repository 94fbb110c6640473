"""Who sees what (SPEC §3.4): the sharing rules as one pure decision function.

Record routes go through records/services/record_access.py (`load`); it gathers plain facts
from the database (who calls, how they relate to the person, the person's choices, the
document) and hands them to `decide` here. Pure: no database, no clock, so every rule is
tested on its own in tests/records/test_policy.py.

Outcomes map to HTTP: ALLOW → 2xx, FORBIDDEN → 403 (inside the caller's scope but refused),
NOT_FOUND → 404 (outside the scope: we never reveal that the object exists),
UNAUTHENTICATED → 401.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

MATRIX_FILE = Path(__file__).parent / "data" / "profession_matrix.yml"
ADULT_AGE = 18
MIN_EMERGENCY_REASON = 5  # characters: "bris de glace" needs a real reason


class ActorKind(str, Enum):
    PATIENT = "patient"  # a logged-in user (for themselves or the people they manage)
    ASSISTANT = "assistant"  # service token + linked conversation: acts as that user
    PROFESSIONAL = "professional"
    AGENT = "agent"  # helpline 3422: helps with the account, never reads the record
    EXCLUDED = "excluded"  # mutuelle, insurer, bank, employer: always refused
    ANONYMOUS = "anonymous"


class Relation(str, Enum):
    """How a patient-side caller relates to the person whose record it is."""

    SELF = "self"
    PARENT = "parent"
    REPRESENTATIVE = "representative"
    PARENT_NOT_GRANTED = "parent_not_granted"  # second parent the child was not shared with
    NONE = "none"


class Action(str, Enum):
    READ = "read"  # consult the record, a document, the profile, vaccinations
    ADD = "add"  # add a document or a health entry
    MANAGE = "manage"  # patient-side changes: agenda, profile, hide/show, block, switches
    DELETE = "delete"  # delete a document (only what the patient side added)
    EMERGENCY = "emergency"  # break-glass access
    MESSAGE_START = "message_start"
    MESSAGE_READ = "message_read"
    MESSAGE_REPLY = "message_reply"
    MESSAGE_CLOSE = "message_close"
    CONSENT_OCCUPATIONAL = "consent_occupational"  # let the médecin du travail in
    SHARE_CHILD = "share_child"  # share a child's profile with the second parent
    EXPORT = "export"
    ADMIN_BLOCK = "admin_block"  # an administrator professional blocks another professional
    CHANGE = "change"  # a professional corrects a document they added
    UNHIDE = "unhide"  # show again a hidden document (a change of its visibility)


class Outcome(str, Enum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNAUTHENTICATED = "unauthenticated"


HTTP_STATUS = {
    Outcome.ALLOW: 200,
    Outcome.FORBIDDEN: 403,
    Outcome.NOT_FOUND: 404,
    Outcome.UNAUTHENTICATED: 401,
}


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: str | None = None  # patient-side account (also for the assistant)
    professional_id: str | None = None
    profession: str | None = None


@dataclass(frozen=True)
class CareLink:
    """The person's choices about one professional."""

    authorised: bool = False  # care-team consent (recorded with a date elsewhere)
    blocked: bool = False
    administrator: bool = False  # sees hidden documents (médecin traitant by default)
    occupational_consent: bool = False  # médecin du travail: given by the person in the service


@dataclass(frozen=True)
class Switches:
    hide_all: bool = False
    emergency_access: bool = True
    samu_access: bool = True
    emergency_hidden_documents: bool = False


@dataclass(frozen=True)
class Subject:
    """The person whose record is touched, seen from the caller."""

    person_id: str
    relation: Relation = Relation.NONE  # for patient-side callers
    is_minor: bool = False
    attached_parent: bool = False  # the caller is the parent the child is attached to
    care: CareLink = field(default_factory=CareLink)  # for professional callers
    switches: Switches = field(default_factory=Switches)


@dataclass(frozen=True)
class DocumentFacts:
    category: str
    hidden: bool = False
    hidden_by_owner: bool = False  # hidden by the person's side: only that side shows it again
    hidden_from_parents: bool = False
    author_professional_id: str | None = None
    added_by_patient_side: bool = False  # uploaded by the person, a parent or a representative


@dataclass(frozen=True)
class ThreadFacts:
    professional_id: str
    open: bool


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    code: str  # stable error code (records/messages.py has the text), "ok" when allowed
    log: bool = False  # goes to the person's access log (and a notification)

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.outcome]


def _allow(log: bool = False) -> Decision:
    return Decision(Outcome.ALLOW, "ok", log)


def _forbid(code: str, log: bool = False) -> Decision:
    return Decision(Outcome.FORBIDDEN, code, log)


def _hide(code: str = "not_found", log: bool = False) -> Decision:
    return Decision(Outcome.NOT_FOUND, code, log)


# --- the profession × category matrix ---------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    version: str
    categories: tuple[str, ...]
    aliases: dict[str, str]
    professions: dict[str, frozenset[str]]

    def canonical(self, profession: str | None) -> str:
        p = (profession or "").strip().lower()
        return self.aliases.get(p, p)

    def allowed_categories(self, profession: str | None) -> frozenset[str]:
        return self.professions.get(self.canonical(profession), frozenset())


def load_matrix(path: Path = MATRIX_FILE) -> Matrix:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    categories = tuple(raw["categories"])
    professions: dict[str, frozenset[str]] = {}
    for name, cats in raw["professions"].items():
        chosen = categories if cats == "all" else tuple(cats)
        unknown = set(chosen) - set(categories)
        if unknown:
            raise ValueError(f"profession matrix: unknown categories for {name}: {unknown}")
        professions[name] = frozenset(chosen)
    return Matrix(str(raw["version"]), categories, dict(raw.get("aliases") or {}), professions)


@lru_cache(maxsize=1)
def matrix() -> Matrix:
    return load_matrix()


def is_occupational(profession: str | None) -> bool:
    return matrix().canonical(profession) == "medecin_du_travail"


def is_samu(profession: str | None) -> bool:
    return matrix().canonical(profession) == "samu"


# --- relations --------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerLink:
    """A patient-side account that manages the person: parent or legal representative."""

    manager_user_id: str
    kind: str  # "parent" or "representative"
    granted: bool = True  # a second parent is linked but not granted until the share
    attached: bool = False  # the parent the child is attached to (manages the sharing)


def relation_of(
    caller_user_id: str | None,
    person_id: str,
    links: Iterable[ManagerLink],
    person_age_years: int | None,
) -> Relation:
    """How the caller relates to a person. At 18 the parents' access ends."""
    if caller_user_id is None:
        return Relation.NONE
    if caller_user_id == person_id:
        return Relation.SELF
    found = Relation.NONE
    for link in links:
        if link.manager_user_id != caller_user_id:
            continue
        if link.kind == "representative" and link.granted:
            return Relation.REPRESENTATIVE
        if link.kind == "parent":
            if person_age_years is not None and person_age_years >= ADULT_AGE:
                continue  # the young adult's record is theirs alone now
            if link.granted:
                return Relation.PARENT
            found = Relation.PARENT_NOT_GRANTED
    return found


def is_attached_parent(caller_user_id: str | None, links: Iterable[ManagerLink]) -> bool:
    return caller_user_id is not None and any(
        link.manager_user_id == caller_user_id and link.kind == "parent" and link.attached
        for link in links
    )


# --- the decision -----------------------------------------------------------------------


def is_hidden(document: DocumentFacts, switches: Switches) -> bool:
    return document.hidden or switches.hide_all


def decide(
    caller: Actor,
    action: Action,
    subject: Subject | None,
    document: DocumentFacts | None = None,
    thread: ThreadFacts | None = None,
    reason: str | None = None,
    realm: str | None = None,
) -> Decision:
    """Decide one action. `subject` is None when the person does not exist.

    `realm` is the family of routes asking: "patient" (/me…) or "professional"
    (/patients/…); a caller of the other side is refused there before anything else."""
    if caller.kind is ActorKind.ANONYMOUS:
        return Decision(Outcome.UNAUTHENTICATED, "not_authenticated")
    if caller.kind is ActorKind.EXCLUDED:
        # Never, even with the person's agreement (CSP L1111-18); the attempt is logged.
        return _forbid("excluded_organisation", log=subject is not None)
    patient_side = caller.kind in (ActorKind.PATIENT, ActorKind.ASSISTANT)
    if realm == "professional" and patient_side:
        return _forbid("professionals_only")
    if realm == "patient" and not patient_side:
        return _forbid("patients_only")
    if subject is None:
        return _hide()
    if caller.kind is ActorKind.AGENT:
        return _forbid("agent_no_record_access", log=True)
    if caller.kind in (ActorKind.PATIENT, ActorKind.ASSISTANT):
        return _decide_patient_side(caller, action, subject, document, thread)
    return _decide_professional(caller, action, subject, document, thread, reason)


def _decide_patient_side(
    caller: Actor,
    action: Action,
    subject: Subject,
    document: DocumentFacts | None,
    thread: ThreadFacts | None,
) -> Decision:
    rel = subject.relation
    if rel in (Relation.NONE, Relation.PARENT_NOT_GRANTED):
        return _hide()
    if document is not None and rel is Relation.PARENT and document.hidden_from_parents:
        return _hide()  # a minor may keep a treatment secret (R1111-6)
    if action in (
        Action.READ,
        Action.MANAGE,
        Action.UNHIDE,
        Action.ADD,
        Action.EXPORT,
        Action.MESSAGE_READ,
    ):
        return _allow()
    if action is Action.DELETE:
        if document is not None and not document.added_by_patient_side:
            return _forbid("document_not_yours")
        return _allow()
    if action is Action.MESSAGE_REPLY:
        if thread is not None and not thread.open:
            return _forbid("thread_closed")
        return _allow()
    if action is Action.CONSENT_OCCUPATIONAL:
        if caller.kind is ActorKind.ASSISTANT:
            return _forbid("consent_in_person_only")  # never by the bot on their behalf
        if rel is Relation.PARENT:
            return _forbid("consent_in_person_only")
        return _allow()
    if action is Action.SHARE_CHILD:
        if not subject.is_minor:
            return _forbid("not_a_child")
        # Only the parent the child is attached to (or the legal representative) decides
        # who else follows the child; a parent the child was shared with cannot pass it on.
        if (rel is Relation.PARENT and subject.attached_parent) or rel is Relation.REPRESENTATIVE:
            return _allow()
        return _forbid("attached_parent_only")
    # EMERGENCY, MESSAGE_START, MESSAGE_CLOSE are professional actions.
    return _forbid("professionals_only")


def _decide_professional(
    caller: Actor,
    action: Action,
    subject: Subject,
    document: DocumentFacts | None,
    thread: ThreadFacts | None,
    reason: str | None,
) -> Decision:
    care = subject.care
    occupational = is_occupational(caller.profession)
    if occupational and not care.occupational_consent:
        return _forbid("occupational_consent_missing", log=True)
    if action is Action.EMERGENCY:
        return _decide_emergency(caller, subject, document, reason, occupational)
    if action in (Action.MESSAGE_READ, Action.MESSAGE_REPLY, Action.MESSAGE_CLOSE):
        if thread is None or thread.professional_id != caller.professional_id:
            return _hide()
    if care.blocked and action is not Action.ADMIN_BLOCK:
        # Blocking means no access at all: reading, writing and messaging.
        if action is Action.CHANGE and document is None:
            return _hide(log=True)
        return _forbid("professional_blocked", log=True)
    if action is Action.ADD:
        # Feeding the record needs no consent (CSP L1111-17 III): the person is informed.
        return _allow(log=True)
    if action is Action.MESSAGE_START:
        return _allow(log=False)
    if action in (Action.MESSAGE_READ, Action.MESSAGE_REPLY, Action.MESSAGE_CLOSE):
        if action is Action.MESSAGE_REPLY and thread is not None and not thread.open:
            return _forbid("thread_closed")
        return _allow()
    if action is Action.ADMIN_BLOCK:
        # Administrators named by the person may block other professionals (§3.4).
        if care.blocked:
            return _forbid("professional_blocked", log=True)
        if not care.administrator:
            return _forbid("administrators_only", log=True)
        return _allow(log=True)
    if action in (Action.CHANGE, Action.UNHIDE):
        if document is None:
            return _hide(log=True)
        author = document.author_professional_id == caller.professional_id
        if is_hidden(document, subject.switches) and not (author or care.administrator):
            return _hide("not_found", log=True)
        if not author:
            return _forbid("document_not_yours", log=True)
        if action is Action.UNHIDE and document.hidden_by_owner:
            # What the person hid, only the person's side shows again.
            return _forbid("hidden_by_patient", log=True)
        return _allow(log=True)
    if action is not Action.READ:
        return _forbid("patients_only", log=True)
    if not care.authorised and not occupational:
        return _forbid("no_care_consent", log=True)
    if document is None:
        return _allow(log=True)
    return _document_for_professional(caller, subject, document, hidden_allowed=False)


def _document_for_professional(
    caller: Actor, subject: Subject, document: DocumentFacts, hidden_allowed: bool
) -> Decision:
    """One document for a professional already let into the record: hidden documents only
    for their author and the administrators (or when `hidden_allowed`), then the matrix."""
    if is_hidden(document, subject.switches) and not hidden_allowed:
        author = document.author_professional_id == caller.professional_id
        if not (author or subject.care.administrator):
            return _hide("not_found", log=True)
    if document.category not in matrix().allowed_categories(caller.profession):
        return _forbid("category_not_allowed", log=True)
    return _allow(log=True)


def _decide_emergency(
    caller: Actor,
    subject: Subject,
    document: DocumentFacts | None,
    reason: str | None,
    occupational: bool,
) -> Decision:
    """Break-glass access; with a document, whether that emergency access shows it: the
    same profession matrix as a normal read, hidden ones only when the person allows it."""
    if occupational:
        return _forbid("emergency_not_for_occupational", log=True)
    if not reason or len(reason.strip()) < MIN_EMERGENCY_REASON:
        return _forbid("emergency_reason_required", log=True)
    if subject.care.blocked:
        return _forbid("professional_blocked", log=True)
    sw = subject.switches
    allowed = sw.samu_access if is_samu(caller.profession) else sw.emergency_access
    if not allowed:
        return _forbid("emergency_access_off", log=True)
    if document is None:
        return _allow(log=True)
    return _document_for_professional(
        caller, subject, document, hidden_allowed=sw.emergency_hidden_documents
    )


def can_read_document(
    caller: Actor,
    subject: Subject,
    document: DocumentFacts,
    action: Action = Action.READ,
    reason: str | None = None,
) -> bool:
    """For lists: documents a caller may not read are left out without a trace."""
    return decide(caller, action, subject, document, reason=reason).allowed


def tell_managers_about(document: DocumentFacts | None) -> bool:
    """Whether the parent or representative who follows a person hears of an event about
    this document: never about a document kept secret from the parents (R1111-6)."""
    return document is None or not document.hidden_from_parents
