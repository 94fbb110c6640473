"""The demo record (records/seed_record.py): every demo person's FHIR bundle validates, the
school certificate of each child opens and lists the vaccines, the growth chart is valid SVG,
and the assistant's /me routes answer for a demo family."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # noqa: S405 - our own output

from pypdf import PdfReader
from sqlalchemy import select

from records import clock
from records.access_rules import Actor, ActorKind, Relation, Subject
from records.exports.fhir import build_bundle
from records.messages_record import PROFESSION_LABELS
from records.models import Account, OutboxMessage, Person
from records.services import assistant, record_views, sessions

SERVICE = "dev-records-service-token"  # noqa: S105 - test settings' default


def login(database, settings, person_id: str) -> str:
    with database.session() as s:
        acc = Account(
            person_id=person_id,
            identifier=f"demo{person_id[:8]}",
            status="active",
            activation_mode="alone",
            activated_at=clock.now(),
        )
        s.add(acc)
        s.flush()
        token, _ = sessions.create(s, settings, account_id=acc.id)
        s.commit()
    return token


def test_every_demo_bundle_validates(db, database):
    with database.session() as s:
        people = list(s.execute(select(Person)).scalars())
        assert len(people) >= 12
        kinds_seen: set[str] = set()
        for person in people:
            actor = Actor(ActorKind.PATIENT, user_id=person.id)
            subject = Subject(person_id=person.id, relation=Relation.SELF)
            snap = record_views.snapshot(s, person, actor, subject, clock.now().date())
            bundle = build_bundle(snap, clock.now())  # validates against the R4B models
            kinds_seen |= {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {
        "Patient",
        "DocumentReference",
        "AllergyIntolerance",
        "Condition",
        "MedicationStatement",
        "Immunization",
        "Observation",
        "Appointment",
        "Consent",
        "AuditEvent",
    } <= kinds_seen


def test_demo_documents_cover_every_category(db, database):
    from records.models import CATEGORIES, Document

    with database.session() as s:
        cats = {d.category for d in s.execute(select(Document)).scalars()}
    assert cats == set(CATEGORIES)


def test_family_exports_through_the_api(client, db, database, settings):
    token = login(database, settings, db["karim"])
    h = {"Authorization": f"Bearer {token}"}
    people = client.get("/me/people", headers=h).json()
    assert {p["first_name"] for p in people} == {"Karim", "Inès", "Noah"}
    r = client.get(
        "/me/export/vaccination-certificate", params={"person_id": db["noah"]}, headers=h
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(r.content)).pages
    )
    assert "Rougeole, oreillons, rubéole" in text and "La famille" in text
    r = client.get("/me/export/growth-chart", params={"person_id": db["ines"]}, headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(r.text)  # noqa: S314 - our own output
    assert root.tag.endswith("svg")
    r = client.get("/me/export/fhir", params={"person_id": db["ines"]}, headers=h)
    assert r.status_code == 200 and r.json()["resourceType"] == "Bundle"
    # Not Karim's child: outside his scope.
    r = client.get("/me/export/fhir", params={"person_id": db["lea"]}, headers=h)
    assert r.status_code == 404


def test_assistant_contract_routes(client, db, database, settings):
    """The /me routes of docs/contracts.md, called as the assistant does."""
    token = login(database, settings, db["camille"])
    with database.session() as s:
        auth = sessions.find(s, token)
        assistant.link(s, settings, auth, "conv-camille")
        s.commit()
    h = {"Authorization": f"Bearer {SERVICE}", "X-Conversation-Id": "conv-camille"}
    appts = client.get("/me/appointments", headers=h).json()
    assert appts and appts[0]["professional_kind"] == "dentiste"
    assert appts[0]["starts_at"].endswith(("+01:00", "+02:00"))
    docs = client.get("/me/documents", params={"category": "BIOLOGIE"}, headers=h).json()
    assert [d["category_label"] for d in docs] == ["Résultats de biologie"]
    pros = {p["name"]: p for p in client.get("/me/professionals", headers=h).json()}
    assert pros["Sophie Laurent"]["administrator"] and pros["Antoine Mercier"]["blocked"]
    # No title recorded: the profession's label.
    assert pros["Sophie Laurent"]["profession_label"] == "médecin généraliste"
    r = client.post(f"/me/professionals/{pros['Antoine Mercier']['id']}/unblock", headers=h)
    assert r.status_code == 200 and r.json()["blocked"] is False
    log = client.get("/me/access-log", headers=h).json()
    assert log[0]["actor_name"] == "Sophie Laurent"
    vacc = client.get("/me/vaccinations", headers=h).json()
    assert {"done", "due"} <= set(vacc)
    summary = client.get("/me/emergency-summary", headers=h).json()
    assert summary["allergies"] and summary["conditions"] == ["Asthme"]
    r = client.post(
        "/me/emergency-contacts",
        headers=h,
        json={"name": "Paul Martin", "phone": "06 12 34 56 78", "relation": "frère"},
    )
    assert r.status_code == 201, r.text
    settings_now = client.get("/me/emergency-settings", headers=h).json()
    assert settings_now == {
        "emergency_access": True,
        "samu_access": True,
        "emergency_hidden_documents": False,
    }
    r = client.put("/me/emergency-settings", headers=h, json={**settings_now, "samu_access": False})
    assert r.json()["samu_access"] is False
    r = client.post("/me/health-entries", headers=h, json={"kind": "allergy", "label": "Latex"})
    assert r.status_code == 201 and r.json()["entered_by"] == "patient"
    msgs = client.get("/me/messages", params={"unread": True}, headers=h).json()
    assert [m["from_name"] for m in msgs] == ["Sophie Laurent"]
    share = client.get("/me/sharing-summary", headers=h).json()
    assert share["never"] == ["mutuelle", "assurance", "banque", "employeur"]
    assert share["hidden_documents"] == 1
    # The médecin du travail's consent is never given by the assistant.
    r = client.post(f"/me/professionals/{db['pro:fontaine']}/occupational-consent", headers=h)
    assert r.status_code == 403
    # An unlinked conversation gets nothing.
    r = client.get(
        "/me/documents",
        headers={"Authorization": f"Bearer {SERVICE}", "X-Conversation-Id": "conv-unknown"},
    )
    assert r.status_code == 401
    assert client.get("/catalogue").json()[0]["name"]


def test_the_professional_title_is_said_as_recorded(client, db, database, settings):
    """Nadia Haddad is an "infirmière": the access log, the care team and the notification say
    so; a professional without a recorded title keeps the profession's label."""
    token = login(database, settings, db["jeanne"])
    with database.session() as s:
        auth = sessions.find(s, token)
        assistant.link(s, settings, auth, "conv-jeanne")
        s.commit()
    h = {"Authorization": f"Bearer {SERVICE}", "X-Conversation-Id": "conv-jeanne"}
    log = client.get("/me/access-log", headers=h).json()
    nadia = [e["profession_label"] for e in log if e["actor_name"] == "Nadia Haddad"]
    assert nadia and set(nadia) == {"infirmière"}, log
    pros = {p["name"]: p for p in client.get("/me/professionals", headers=h).json()}
    assert pros["Nadia Haddad"]["profession_label"] == "infirmière"
    others = [p for name, p in pros.items() if name != "Nadia Haddad"]
    assert all(p["profession_label"] == PROFESSION_LABELS[p["profession"]] for p in others)

    r = client.get(
        f"/patients/{db['jeanne']}/documents",
        headers={"Authorization": "Bearer pro_demo_haddad_infirmiere_c2e4a9"},
    )
    assert r.status_code == 200, r.text
    with database.session() as s:
        bodies = [m.body for m in s.execute(select(OutboxMessage)).scalars()]
    assert any("Nadia Haddad, infirmière," in b for b in bodies), bodies
    assert not any("infirmier," in b for b in bodies), bodies
