"""Finding insured persons and describing them (masked contacts, managed people)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.errors import AppError
from records.models import Account, LegalRepresentation, Person
from records.security import codes_match
from records.services.validation import mask_email, mask_phone
from records.settings import Settings


def find_by_identity(
    session: Session,
    settings: Settings,
    birth_date: date,
    vitale_serial: str | None,
    welcome_code: str | None,
) -> Person | None:
    """The insured person with this birth date and this Vitale serial (or welcome code)."""
    query = select(Person).where(Person.birth_date == birth_date)
    if vitale_serial:
        found = session.execute(query.where(Person.vitale_serial == vitale_serial)).scalars()
        matches = list(found)
        # Two people on one card with the same birth date (twins): the serial cannot tell
        # them apart, so neither is chosen (the helpline sorts it out).
        return matches[0] if len(matches) == 1 else None
    code = (welcome_code or "").strip().upper().replace(" ", "")
    for person in session.execute(query.where(Person.welcome_code_hash.is_not(None))).scalars():
        if codes_match(
            person.welcome_code_hash or "", settings.records_secret_key, "welcome", code
        ):
            return person
    return None


def active_account(session: Session, person_id: str) -> Account | None:
    return session.execute(
        select(Account).where(Account.person_id == person_id, Account.status == "active")
    ).scalar_one_or_none()


def masked_contacts(phone: str | None, email: str | None) -> dict[str, str | None]:
    return {"sms": mask_phone(phone), "email": mask_email(email)}


def representative_of(session: Session, person_id: str) -> str:
    rep = session.execute(
        select(LegalRepresentation.representative_id).where(
            LegalRepresentation.protected_id == person_id
        )
    ).scalar()
    if rep is None:
        raise AppError("representative_missing", 422)
    return rep


def get_person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise AppError("not_found", 404)
    return person
