"""A child's vaccination certificate for school, as a PDF (fpdf2).

The legal proof stays the carnet de santé, so each line says who wrote it: a professional,
or the family (SPEC §3.3, reference/vaccination-and-screening.md).
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from records.exports.snapshot import PersonData, VaccinationData
from records.messages_record import PDF_CERTIFICATE
from records.services.dates import date_words


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1: French accents fit; a few ligatures are spelt out
    # and anything else (emoji…) becomes "?" rather than breaking the certificate.
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(
    person: PersonData, vaccinations: list[VaccinationData], made_at: datetime
) -> bytes:
    """One table, oldest vaccine first, in large left-aligned text."""
    t = PDF_CERTIFICATE
    name = f"{person.first_name} {person.last_name}"
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(t["title"].format(name=name)))
    pdf.set_author("Mon espace santé")
    pdf.set_creation_date(made_at)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _latin1(t["title"].format(name=name)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 13)
    born = date_words(person.birth_date, with_day=False)
    for key in ("born", "intro"):
        text = t[key].format(birth_date=born)
        pdf.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    rows = sorted(vaccinations, key=lambda v: (v.on, v.label))
    if not rows:
        pdf.multi_cell(0, 8, _latin1(t["none"]), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("Helvetica", "", 12)
        with pdf.table(col_widths=(45, 85, 50), text_align="LEFT", line_height=7) as table:
            header = table.row()
            for key in ("col_date", "col_vaccine", "col_by"):
                header.cell(_latin1(t[key]))
            for v in rows:
                row = table.row()
                row.cell(_latin1(date_words(v.on, with_day=False)))
                row.cell(_latin1(v.label))
                by = "by_professional" if v.entered_by_kind == "professional" else "by_family"
                row.cell(_latin1(t[by]))
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for line in t["legend"].split("\n"):
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    made = date_words(made_at.date())
    pdf.multi_cell(0, 6, _latin1(t["made_on"].format(date=made)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
