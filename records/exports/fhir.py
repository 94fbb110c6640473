"""The whole record as a FHIR R4 bundle (SPEC §3.3), checked against fhir.resources' R4B models.

R4B is the R4 line with fixes; the resources used here are the same in R4.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from records.exports.snapshot import RecordSnapshot

INS_SYSTEM = "urn:oid:1.2.250.1.213.1.4.8"  # INS NIR (France)
CATEGORY_SYSTEM = "urn:mon-espace-sante:document-category"
LOINC = "http://loinc.org"
# Measurement kinds → LOINC code and display.
MEASUREMENTS = {
    "weight": ("29463-7", "Body weight"),
    "height": ("8302-2", "Body height"),
    "head_circumference": ("9843-4", "Head Occipital-frontal circumference"),
    "blood_pressure_systolic": ("8480-6", "Systolic blood pressure"),
}
UNITS_UCUM = {"kg": "kg", "cm": "cm", "g": "g", "mmHg": "mm[Hg]"}


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def _text(value: str | None, default: str = "-") -> str:
    """FHIR strings may not be empty or blank."""
    return value.strip() if value and value.strip() else default


def _urn(kind: str, local_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind}/{local_id}')}"


def build_bundle(snap: RecordSnapshot, generated_at: datetime) -> dict[str, Any]:
    """A `collection` bundle as a JSON-ready dict, validated by the R4B models."""
    p = snap.person
    patient_url = _urn("Patient", p.id)
    patient_ref = {"reference": patient_url}
    entries: list[dict[str, Any]] = []

    def add(kind: str, local_id: str, resource: dict[str, Any]) -> None:
        url = _urn(kind, local_id)
        resource = {"resourceType": kind, "id": url.rsplit(":", 1)[1], **resource}
        entries.append({"fullUrl": url, "resource": resource})

    patient: dict[str, Any] = {
        "name": [{"family": _text(p.last_name), "given": [_text(p.first_name)]}],
        "gender": {"F": "female", "M": "male"}.get(p.sex.upper()[:1], "unknown"),
        "birthDate": p.birth_date.isoformat(),
    }
    if p.nir:
        patient["identifier"] = [{"system": INS_SYSTEM, "value": p.nir}]
    add("Patient", p.id, patient)

    for d in snap.documents:
        add(
            "DocumentReference",
            d.id,
            {
                "status": "current",
                "type": {
                    "coding": [
                        {"system": CATEGORY_SYSTEM, "code": d.category, "display": d.category_label}
                    ],
                    "text": d.category_label,
                },
                "subject": patient_ref,
                "date": _iso(d.added_at),
                "author": [{"display": _text(d.author_name)}],
                "description": _text(d.title),
                "content": [{"attachment": {"contentType": d.media_type, "title": _text(d.title)}}],
            },
        )

    for e in snap.entries:
        recorder = {"display": _text(e.entered_by_name)}
        if e.kind == "allergy":
            add(
                "AllergyIntolerance",
                e.id,
                {
                    "patient": patient_ref,
                    "code": {"text": _text(e.label)},
                    "recordedDate": _iso(e.recorded_at),
                    "recorder": recorder,
                },
            )
        elif e.kind == "condition":
            add(
                "Condition",
                e.id,
                {
                    "subject": patient_ref,
                    "code": {"text": _text(e.label)},
                    "recordedDate": _iso(e.recorded_at),
                    "recorder": recorder,
                },
            )
        elif e.kind == "treatment":
            add(
                "MedicationStatement",
                e.id,
                {
                    "status": "active",
                    "medicationCodeableConcept": {"text": _text(e.label)},
                    "subject": patient_ref,
                    "dateAsserted": _iso(e.recorded_at),
                    "informationSource": recorder,
                },
            )
        elif e.kind in MEASUREMENTS and e.value is not None:
            code, display = MEASUREMENTS[e.kind]
            when = e.on.isoformat() if e.on else _iso(e.recorded_at)
            add(
                "Observation",
                e.id,
                {
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "vital-signs",
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                    "subject": patient_ref,
                    "effectiveDateTime": when,
                    "valueQuantity": _quantity(e.value, e.unit),
                },
            )

    for v in snap.vaccinations:
        by_pro = v.entered_by_kind == "professional"
        imm: dict[str, Any] = {
            "status": "completed",
            "vaccineCode": {"text": _text(v.label)},
            "patient": patient_ref,
            "occurrenceDateTime": v.on.isoformat(),
            "primarySource": by_pro,
            "performer": [{"actor": {"display": _text(v.entered_by_name)}}],
        }
        if not by_pro:
            imm["reportOrigin"] = {"text": "Déclaré par la famille"}
        if v.lot:
            imm["lotNumber"] = _text(v.lot)
        add("Immunization", v.id, imm)

    for a in snap.appointments:
        who = _text(a.professional_name or a.professional_kind)
        appointment: dict[str, Any] = {
            "status": "cancelled" if a.cancelled else "booked",
            "start": _iso(a.starts_at),
            "description": who,
            "participant": [
                {"actor": patient_ref, "status": "accepted"},
                {"actor": {"display": who}, "status": "accepted"},
            ],
        }
        if a.note and a.note.strip():
            appointment["comment"] = a.note.strip()
        add("Appointment", a.id, appointment)

    for c in snap.consents:
        add(
            "Consent",
            c.id,
            {
                "status": "active",
                "scope": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                            "code": "patient-privacy",
                        }
                    ]
                },
                "category": [{"coding": [{"system": LOINC, "code": "59284-0"}]}],
                "patient": patient_ref,
                "dateTime": _iso(c.given_at),
                "policyRule": {"text": c.kind},
                "provision": {
                    "type": "deny" if c.blocked else "permit",
                    "actor": [
                        {
                            "role": {"text": "professionnel de santé"},
                            "reference": {"display": _text(c.professional_name)},
                        }
                    ],
                },
            },
        )

    for ev in snap.audit:
        add(
            "AuditEvent",
            ev.id,
            {
                "type": {
                    "system": "http://dicom.nema.org/resources/ontology/DCM",
                    "code": "110110",
                    "display": "Patient Record",
                },
                "subtype": [{"system": "urn:mon-espace-sante:access", "code": ev.action}],
                "recorded": _iso(ev.at),
                "outcome": "0" if ev.allowed else "4",
                "outcomeDesc": _text(ev.reason, ev.action),
                "agent": [
                    {
                        "requestor": True,
                        "who": {"display": _text(ev.actor_name)},
                        "type": {"text": _text(ev.actor_role)},
                    }
                ],
                "source": {"observer": {"display": "Mon espace santé"}},
                "entity": [{"what": patient_ref}],
            },
        )

    bundle = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"Bundle/{p.id}/{generated_at.isoformat()}")),
        "type": "collection",
        "timestamp": _iso(generated_at),
        "entry": entries,
    }
    validate(bundle)
    return bundle


def _quantity(value: float, unit: str | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": value}
    if unit and unit.strip():
        quantity.update(
            unit=unit.strip(),
            system="http://unitsofmeasure.org",
            code=UNITS_UCUM.get(unit.strip(), unit.strip()),
        )
    return quantity


def validate(bundle: dict[str, Any]) -> Bundle:
    """Raises pydantic's ValidationError when the bundle breaks the R4B models."""
    return Bundle.model_validate(bundle)
