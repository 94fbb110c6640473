"""Refusing Mon espace santé before activation ("C'est moi qui décide"): the refusal is
recorded and the person gets a PDF proof (fpdf2)."""

from __future__ import annotations

import logging

from fpdf import FPDF
from sqlalchemy.orm import Session

from records import clock
from records.errors import AppError
from records.messages import PDF_REFUSAL
from records.models import Person, Refusal
from records.services import limits, people
from records.services.dates import date_words
from records.services.validation import normalize_vitale_serial, parse_birth_date
from records.settings import Settings

log = logging.getLogger("records.refusal")


def refuse(
    session: Session, settings: Settings, birth_date: str, vitale_serial: str, client_key: str
) -> tuple[Person, Refusal]:
    now = clock.now()
    born = parse_birth_date(birth_date, now.date())
    serial = normalize_vitale_serial(vitale_serial)
    guard = limits.Guard(session, settings, "identity", born.isoformat(), client_key)
    guard.check(now)
    person = people.find_by_identity(session, settings, born, serial, None)
    if person is None:
        guard.failed(now)
        session.commit()
        raise AppError("identity_not_found", 404)
    if people.active_account(session, person.id):
        raise AppError("refusal_after_activation", 409)
    refusal = Refusal(person_id=person.id, created_at=now)
    session.add(refusal)
    session.flush()
    log.info("refusal %s recorded", refusal.id)
    return person, refusal


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
