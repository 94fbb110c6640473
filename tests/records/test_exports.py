"""Exports on their own: FHIR bundle (R4B models), school certificate PDF, growth chart SVG."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 - our own output
from datetime import date, datetime, timezone

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from records.exports.certificate_pdf import certificate_pdf
from records.exports.fhir import build_bundle, validate
from records.exports.growth_chart import growth_svg, lms_value
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

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)
CHILD = PersonData("p1", "Léa", "Martin", date(2021, 3, 14), "F", "221037512345678")


def snapshot() -> RecordSnapshot:
    return RecordSnapshot(
        person=CHILD,
        documents=[
            DocumentData(
                "d1",
                "Ordonnance",
                "ORD_SOIN",
                "Ordonnances et soins",
                "application/pdf",
                NOW,
                "Docteur Durand",
            ),
        ],
        entries=[
            EntryData("e1", "allergy", "Arachide", NOW, "family", "Sophie Martin"),
            EntryData("e2", "condition", "Asthme", NOW, "professional", "Docteur Durand"),
            EntryData("e3", "treatment", "Ventoline", NOW, "professional", "Docteur Durand"),
            EntryData(
                "e4",
                "weight",
                "Poids",
                NOW,
                "professional",
                "Docteur Durand",
                value=14.2,
                unit="kg",
                on=date(2024, 3, 14),
            ),
        ],
        vaccinations=[
            VaccinationData(
                "v1",
                "ror_1",
                "Rougeole, oreillons, rubéole",
                date(2022, 3, 20),
                "professional",
                "Docteur Durand",
                lot="AB12",
            ),
            VaccinationData(
                "v2",
                "hexavalent_1",
                "Diphtérie, tétanos, coqueluche",
                date(2021, 5, 14),
                "family",
                "Sophie Martin",
            ),
        ],
        appointments=[AppointmentData("a1", NOW, "pediatre", "Docteur Petit", "Lyon", "Bilan")],
        consents=[ConsentData("c1", "Docteur Durand", "care_team", NOW)],
        audit=[AuditData("l1", NOW, "Docteur Durand", "professional", "read_record", True)],
    )


def test_fhir_bundle_validates_and_has_every_resource_kind():
    bundle = build_bundle(snapshot(), NOW)
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Patient",
        "DocumentReference",
        "AllergyIntolerance",
        "Condition",
        "MedicationStatement",
        "Observation",
        "Immunization",
        "Appointment",
        "Consent",
        "AuditEvent",
    }
    parsed = validate(bundle)
    assert parsed.type == "collection"
    imm = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Immunization"
    ]
    assert {i["primarySource"] for i in imm} == {True, False}


def test_fhir_validation_can_fail():
    bundle = build_bundle(snapshot(), NOW)
    bundle["entry"][0]["resource"]["birthDate"] = "le quatorze mars"
    with pytest.raises(ValidationError):
        validate(bundle)


def test_certificate_pdf_lists_vaccines_and_who_wrote_them():
    snap = snapshot()
    pdf = certificate_pdf(snap.person, snap.vaccinations, NOW)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())  # table cells wrap
    assert "Rougeole, oreillons, rubéole" in text
    assert "Diphtérie, tétanos, coqueluche" in text
    assert "Un professionnel de santé" in text and "La famille" in text
    assert "Léa Martin" in text


def test_who_tables_match_reference_medians():
    # WHO 2006 medians: boys 3.3464 kg at birth, girls 49.1477 cm at birth.
    assert lms_value("weight", "M", 0, 0) == pytest.approx(3.3464, abs=1e-3)
    assert lms_value("height", "F", 0, 0) == pytest.approx(49.1477, abs=1e-3)
    assert lms_value("weight", "F", 12, 1.881) > lms_value("weight", "F", 12, -1.881)


def test_growth_chart_is_valid_svg_with_points():
    svg = growth_svg("weight", "F", "Léa", [(0, 3.2), (12, 9.1), (36, 14.2)])
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(root.findall("s:circle", ns)) == 3
    assert len(root.findall("s:polyline[@data-percentile]", ns)) == 5
    with pytest.raises(ValueError):
        growth_svg("age", "F", "Léa", [])


def test_odd_text_never_breaks_the_exports():
    odd = RecordSnapshot(
        person=PersonData("p2", "Zoé 🌟", "Łukasz", date(2020, 1, 1), "F"),
        entries=[
            EntryData("e1", "allergy", "Arachide 🥜", NOW, "family", " "),
            EntryData("e2", "weight", "Poids", NOW, "family", "X", value=12.0, unit=None),
        ],
        vaccinations=[VaccinationData("v1", "x", "Vaccin 💉", date(2021, 1, 1), "family", "")],
        appointments=[AppointmentData("a1", NOW, "dentiste", "", None, "   ")],
    )
    build_bundle(odd, NOW)  # validates
    pdf = certificate_pdf(odd.person, odd.vaccinations, NOW)
    assert PdfReader(io.BytesIO(pdf)).pages


def test_growth_chart_zooms_on_a_baby():
    ns = {"s": "http://www.w3.org/2000/svg"}
    baby = ET.fromstring(growth_svg("height", "M", "Inès", [(0, 49.5), (6, 66.0)]))  # noqa: S314
    child = ET.fromstring(growth_svg("height", "M", "Noah", [(0, 50.0), (48, 103.0)]))  # noqa: S314
    last_label = [t.text for t in baby.findall("s:text", ns) if (t.text or "").isdigit()]
    assert "24" in last_label and "60" not in last_label
    assert "60" in [t.text for t in child.findall("s:text", ns)]
