"""Refusing Mon espace santé before activation ("C'est moi qui décide"): the person proves it
is them (welcome-letter code, or a one-time code sent to their known contact), the refusal is
recorded, the person is told, and gets a PDF proof (fpdf2)."""

from __future__ import annotations

import logging

from fpdf import FPDF
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.messages import PDF_REFUSAL
from records.models import OneTimeCode, Person, Refusal
from records.services import auth, codes, limits, outbox, people
from records.services.dates import date_words
from records.services.validation import normalize_vitale_serial, parse_birth_date
from records.settings import Settings

log = logging.getLogger("records.refusal")


def _identify(
    session: Session,
    settings: Settings,
    birth_date: str,
    vitale_serial: str | None,
    welcome_code: str | None,
    client_key: str,
) -> Person:
    now = clock.now()
    born = parse_birth_date(birth_date, now.date())
    serial = normalize_vitale_serial(vitale_serial) if vitale_serial and not welcome_code else None
    if not serial and not (welcome_code or "").strip():
        raise AppError("serial_or_code_required", 422)
    guard = limits.Guard(session, settings, "identity", born.isoformat(), client_key)
    guard.check(now)
    person = people.find_by_identity(session, settings, born, serial, welcome_code)
    if person is None:
        guard.failed(now)
        session.commit()
        raise AppError("identity_not_found", 404)
    if people.active_account(session, person.id):
        raise AppError("refusal_after_activation", 409)
    return person


def start(
    session: Session,
    settings: Settings,
    *,
    birth_date: str,
    vitale_serial: str | None,
    welcome_code: str | None,
    channel: str | None,
    client_key: str,
) -> tuple[Person, Refusal | None, str | None, str | None]:
    """A welcome-letter code proves the person at once: the refusal is recorded. A Vitale
    serial is not a secret enough: a code goes to the person's known contact first.
    Returns (person, refusal or None, refusal request id, masked contact)."""
    person = _identify(session, settings, birth_date, vitale_serial, welcome_code, client_key)
    if welcome_code:
        return person, _record(session, person), None, None
    if not person.phone and not person.email:
        raise AppError("no_contact", 409)
    channel, to = auth.contact_for(person, channel)
    code = codes.issue(
        session, settings, "refusal", person.id, channel, to, "refusal_code", person.id
    )
    log.info("refusal code sent (request %s)", code.id)
    return person, None, code.id, auth.masked_contact(person, channel)


def confirm(
    session: Session, settings: Settings, refusal_id: str, code: str
) -> tuple[Person, Refusal]:
    """The code sent to the person: the refusal is recorded."""
    request = session.get(OneTimeCode, refusal_id)
    if request is None or request.owner_kind != "refusal":
        raise AppError("refusal_not_found", 404)
    person = session.get(Person, request.owner_id)
    assert person is not None
    codes.verify(session, settings, "refusal", person.id, code, f"person:{person.id}")
    if people.active_account(session, person.id):
        raise AppError("refusal_after_activation", 409)
    return person, _record(session, person)


def _record(session: Session, person: Person) -> Refusal:
    """Record the refusal and tell the person on every contact we know, so a refusal made by
    someone else does not go unnoticed."""
    refusal = Refusal(person_id=person.id, created_at=clock.now())
    session.add(refusal)
    session.flush()
    if person.phone:
        outbox.enqueue(session, "sms", person.phone, "refusal_recorded")
    if person.email:
        outbox.enqueue(session, "email", person.email, "refusal_recorded")
    log.info("refusal %s recorded", refusal.id)
    return refusal


def proof_pdf(person: Person, refusal: Refusal) -> bytes:
    """A one-page proof in large, left-aligned, easy-to-read text."""
    pdf = FPDF(format="A4")
    pdf.set_title(PDF_REFUSAL["title"])
    pdf.set_author("Mon espace santé")
    pdf.set_creation_date(refusal.created_at)
    pdf.add_page()
    pdf.set_margins(20, 20, 20)
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 11, PDF_REFUSAL["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 15)
    values = {
        "name": f"{person.first_name} {person.last_name}",
        "birth_date": date_words(person.birth_date, with_day=False),
        "date": date_words(clock.to_paris(refusal.created_at).date()),
    }
    for key in ("person", "refused", "effect", "change", "keep", "help"):
        for line in PDF_REFUSAL[key].format(**values).split("\n"):
            pdf.multi_cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, f"Référence : {refusal.id}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
