"""Demo data of the record itself (SPEC §8), added by records/seed.py after the people:
documents in every category, medical profiles, vaccinations, growth measurements, emergency
contacts, appointments, care-team choices, messages, an access history. Fictitious only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from fpdf import FPDF
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records import clock
from records.models import (
    AccessLogEntry,
    Appointment,
    CareTeamLink,
    CatalogueApp,
    Document,
    EmergencyContact,
    HealthEntry,
    Message,
    MessageThread,
    Person,
    Professional,
    SharingSettings,
    Vaccination,
)
from records.settings import Settings
from records.storage import Storage, get_storage

CATALOGUE = [
    (
        "Tabac info service",
        "prevention",
        "Pour arrêter de fumer.\nUn conseiller vous aide.",
        "https://www.tabac-info-service.fr",
    ),
    (
        "Alcool info service",
        "prevention",
        "Pour parler de l'alcool.\nVous pouvez appeler.",
        "https://www.alcool-info-service.fr",
    ),
    (
        "Manger Bouger",
        "nutrition",
        "Des idées pour bien manger et bouger tous les jours.",
        "https://www.mangerbouger.fr",
    ),
    (
        "Santé.fr",
        "annuaire",
        "Pour trouver un médecin ou une pharmacie près de chez vous.",
        "https://www.sante.fr",
    ),
    (
        "1000 premiers jours",
        "famille",
        "Pour les parents, pendant la grossesse et avec un bébé.",
        "https://www.1000-premiers-jours.fr",
    ),
    (
        "Mon soutien psy",
        "sante_mentale",
        "Pour voir un psychologue.\nL'Assurance Maladie paie.",
        "https://monsoutienpsy.ameli.fr",
    ),
]

# (person, category, title, author: professional key / "insurance" / "patient", days ago,
#  hidden, hidden from parents)
DOCUMENTS = [
    ("camille", "SYNTHESE", "Ma santé en résumé", "laurent", 200, False, False),
    ("camille", "ORD_SOIN", "Ordonnance : traitement de l'asthme", "laurent", 30, False, False),
    ("camille", "RADIO_SC", "Radio du poumon", "laurent", 90, False, False),
    ("camille", "BIOLOGIE", "Prise de sang : bilan annuel", "laurent", 20, False, False),
    (
        "camille",
        "CPT_REND",
        "Compte rendu : consultation de pneumologie",
        "laurent",
        60,
        True,
        False,
    ),
    ("camille", "DEPISTAG", "Dépistage du cancer du col de l'utérus", "laurent", 400, False, False),
    ("camille", "CERT_MED", "Certificat pour le sport", "laurent", 120, False, False),
    ("camille", "SYNTH_PML", "Synthèse médicale", "laurent", 180, False, False),
    ("camille", "DOC_ADM", "Attestation de droits", "insurance", 300, False, False),
    ("camille", "QUEST_SANTE", "Questionnaire santé", "patient", 15, False, False),
    ("camille", "AUTR_DOC", "Facture des lunettes", "patient", 10, False, False),
    ("camille", "ORD_SOIN", "Soins dentaires", "lefevre", 45, False, False),
    ("jeanne", "DIR_ANT", "Mes directives anticipées", "patient", 500, False, False),
    ("jeanne", "ORD_SOIN", "Ordonnance : tension", "haddad", 12, False, False),
    ("lucien", "SYNTH_PML", "Synthèse médicale", "laurent", 100, False, False),
    ("lucien", "ORD_SOIN", "Soins infirmiers à domicile", "haddad", 7, False, False),
    ("ines", "CPT_REND", "Examen du premier mois", "blanc", 170, False, False),
    ("noah", "CERT_MED", "Certificat pour la cantine", "blanc", 80, False, False),
    ("lea", "CPT_REND", "Rendez-vous chez la sage-femme", "garnier", 40, False, True),
    ("lea", "BIOLOGIE", "Prise de sang", "laurent", 25, False, False),
    ("karim", "BIOLOGIE", "Bilan de cholestérol", "laurent", 50, False, False),
    ("julie", "DOC_ADM", "Carte de mutuelle", "patient", 60, False, False),
]

# (person, kind, label, value, unit, entered by: professional key or "patient"/"family")
ENTRIES = [
    ("camille", "condition", "Asthme", None, None, "laurent"),
    ("camille", "allergy", "Pénicilline", None, None, "laurent"),
    ("camille", "allergy", "Pollen", None, None, "patient"),
    ("camille", "treatment", "Ventoline en cas de crise", None, None, "laurent"),
    ("camille", "blood_group", "A positif", None, None, "laurent"),
    ("camille", "trusted_person", "Marie Martin, sa sœur", None, None, "patient"),
    ("camille", "organ_donation", "D'accord pour donner mes organes", None, None, "patient"),
    ("jeanne", "condition", "Hypertension", None, None, "haddad"),
    ("jeanne", "treatment", "Amlodipine, 1 comprimé le matin", None, None, "haddad"),
    ("jeanne", "advance_directives", "Directives écrites, voir le document", None, None, "patient"),
    ("lucien", "disability", "Déficience intellectuelle", None, None, "laurent"),
    ("lucien", "condition", "Diabète de type 2", None, None, "laurent"),
    ("lucien", "treatment", "Metformine, matin et soir", None, None, "laurent"),
    ("lucien", "allergy", "Arachide", None, None, "representative"),
    (
        "lucien",
        "important_person",
        "Hélène Petit, sa sœur et tutrice",
        None,
        None,
        "representative",
    ),
    ("noah", "allergy", "Arachide", None, None, "family"),
    ("karim", "treatment", "Statine le soir", None, None, "laurent"),
]

# Inès (born 2026-05-10): weight (kg) and height (cm) by age in months, near the WHO median.
GROWTH = {
    "ines": [(0, 3.3, 49.5), (1, 4.3, 54.0), (2, 5.3, 57.5), (4, 6.5, 62.5), (6, 7.4, 66.0)],
    "noah": [(0, 3.5, 50.5), (6, 7.9, 67.5), (12, 9.7, 75.5), (24, 12.3, 87.5), (48, 16.5, 103)],
}

# (person, dose code, months after birth, entered by: professional key or "family")
VACCINATIONS = [
    ("ines", "hexavalent_1", 2, "blanc"),
    ("ines", "pneumocoque_1", 2, "blanc"),
    ("ines", "rotavirus_1", 2, "family"),
    ("ines", "meningocoque_b_1", 3, "blanc"),
    ("ines", "hexavalent_2", 4, "blanc"),
    ("ines", "pneumocoque_2", 4, "blanc"),
    ("ines", "meningocoque_b_2", 5, "family"),
    ("noah", "hexavalent_1", 2, "blanc"),
    ("noah", "pneumocoque_1", 2, "blanc"),
    ("noah", "hexavalent_2", 4, "blanc"),
    ("noah", "pneumocoque_2", 4, "blanc"),
    ("noah", "meningocoque_c_1", 5, "family"),
    ("noah", "hexavalent_rappel", 11, "blanc"),
    ("noah", "pneumocoque_rappel", 11, "blanc"),
    ("noah", "ror_1", 12, "blanc"),
    ("noah", "meningocoque_c_2", 12, "blanc"),
    ("noah", "ror_2", 16, "family"),
    ("noah", "dtcap_6_ans", 72, "blanc"),
    ("lea", "hexavalent_1", 2, "laurent"),
    ("lea", "hexavalent_2", 4, "laurent"),
    ("lea", "hexavalent_rappel", 11, "laurent"),
    ("lea", "ror_1", 12, "family"),
    ("lea", "ror_2", 16, "family"),
    ("lea", "dtcap_6_ans", 72, "laurent"),
    ("lea", "hpv_1", 132, "laurent"),
    ("camille", "dtcap", 12 * 25, "laurent"),
]

CONTACTS = [
    ("camille", "Marie Martin", "+33611223344", "sœur"),
    ("jeanne", "Luc Dubois", "+33622334455", "fils"),
    ("lucien", "Hélène Petit", "+33645678978", "sœur et tutrice"),
]

# (person, professional, authorised, blocked, administrator)
CARE_TEAM = [
    ("camille", "lefevre", True, False, False),
    ("camille", "mercier", False, True, False),
    ("camille", "fontaine", False, False, False),  # médecin du travail: no consent given
    ("jeanne", "haddad", True, False, True),
    ("lucien", "haddad", True, False, False),
    ("lea", "garnier", True, False, False),
    ("julie", "fontaine", False, False, False),
]


def _pdf(title: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.multi_cell(0, 8, title.replace("œ", "oe"))
    return bytes(pdf.output())


def _when(days_ago: int, now: datetime) -> datetime:
    return now - timedelta(days=days_ago)


def _pro_name(pro: Professional) -> str:
    return f"{pro.first_name} {pro.last_name}"


def ensure_catalogue(session: Session) -> None:
    if session.execute(select(func.count()).select_from(CatalogueApp)).scalar_one():
        return
    for i, (name, category, description, url) in enumerate(CATALOGUE, start=1):
        session.add(
            CatalogueApp(
                id=f"app{i:02d}", name=name, category=category, description=description, url=url
            )
        )


def seed_record(
    session: Session, settings: Settings, ids: dict[str, str], storage: Storage | None = None
) -> None:
    """Insert the record's demo data for the people and professionals of records/seed.py."""
    store = storage or get_storage(settings)
    now = clock.now()
    people = {k: session.get(Person, v) for k, v in ids.items() if not k.startswith("pro:")}
    pros = {k[4:]: session.get(Professional, v) for k, v in ids.items() if k.startswith("pro:")}
    ensure_catalogue(session)

    for key, category, title, author, days, hidden, secret in DOCUMENTS:
        person = people[key]
        when = _when(days, now)
        data = _pdf(title)
        pro = pros.get(author)
        if author == "insurance":
            source, name = "insurance", "Assurance Maladie"
        elif pro is not None:
            source, name = "professional", _pro_name(pro)
        else:
            source, name = "patient", f"{person.first_name} {person.last_name}"
        session.add(
            Document(
                person_id=person.id,
                title=title,
                category=category,
                media_type="application/pdf",
                size=len(data),
                storage_key=store.put(data),
                source=source,
                author_professional_id=pro.id if pro else None,
                added_by_person_id=person.id if source == "patient" else None,
                author_name=name,
                hidden=hidden,
                hidden_by_owner=hidden,  # the demo's hidden documents were hidden by the person
                hidden_from_parents=secret,
                added_at=when,
                updated_at=when,
            )
        )

    for key, kind, label, value, unit, by in ENTRIES:
        pro = pros.get(by)
        session.add(
            HealthEntry(
                person_id=people[key].id,
                kind=kind,
                label=label,
                value=value,
                unit=unit,
                entered_by_kind="professional" if pro else by,
                entered_by_professional_id=pro.id if pro else None,
                entered_by_name=_pro_name(pro) if pro else people[key].first_name,
                created_at=_when(90, now),
            )
        )
    for key, points in GROWTH.items():
        person = people[key]
        for months, weight, height in points:
            day = _add_months(person.birth_date, months)
            if day > now.date():
                continue
            for kind, value, unit in (("weight", weight, "kg"), ("height", height, "cm")):
                session.add(
                    HealthEntry(
                        person_id=person.id,
                        kind=kind,
                        label=kind,
                        value=value,
                        unit=unit,
                        on=day,
                        entered_by_kind="professional",
                        entered_by_professional_id=pros["blanc"].id,
                        entered_by_name=_pro_name(pros["blanc"]),
                        created_at=datetime.combine(day, time(10), tzinfo=clock.PARIS),
                    )
                )

    for key, code, months, by in VACCINATIONS:
        person = people[key]
        day = _add_months(person.birth_date, months)
        if day > now.date():
            continue
        pro = pros.get(by)
        session.add(
            Vaccination(
                person_id=person.id,
                code=code,
                on=day,
                lot=f"LOT{months:03d}" if pro else None,
                entered_by_kind="professional" if pro else "family",
                entered_by_professional_id=pro.id if pro else None,
                entered_by_name=_pro_name(pro) if pro else "La famille",
                created_at=datetime.combine(day, time(11), tzinfo=clock.PARIS),
            )
        )

    for key, name, phone, relation in CONTACTS:
        session.add(
            EmergencyContact(
                person_id=people[key].id, name=name, phone=phone, relation=relation, created_at=now
            )
        )

    for key, pro_key, authorised, blocked, admin in CARE_TEAM:
        session.add(
            CareTeamLink(
                person_id=people[key].id,
                professional_id=pros[pro_key].id,
                authorised_at=_when(100, now) if authorised else None,
                blocked_at=_when(20, now) if blocked else None,
                administrator=admin,
                updated_at=now,
            )
        )
    session.add(
        SharingSettings(
            person_id=people["camille"].id,
            hide_all=False,
            default_hidden=False,
            emergency_access=True,
            samu_access=True,
            emergency_hidden_documents=False,
            notify_channel="sms",
            updated_at=now,
        )
    )

    def appointment(
        key: str,
        kind: str,
        name: str | None,
        days: int,
        hour: int,
        place: str,
        note: str | None,
        reminders: str,
    ) -> None:
        day = clock.to_paris(now).date() + timedelta(days=days)
        starts = datetime.combine(day, time(hour, 30), tzinfo=clock.PARIS)
        session.add(
            Appointment(
                person_id=people[key].id,
                created_by_person_id=people[key].id,
                professional_kind=kind,
                professional_name=name,
                starts_at=starts,
                place=place,
                note=note,
                reminders=reminders,
                created_at=now,
                updated_at=now,
            )
        )

    appointment(
        "camille",
        "dentiste",
        "Marc Lefèvre",
        7,
        10,
        "12 rue de la Paix, Lyon",
        "Apporter la carte Vitale",
        "sms",
    )
    appointment("camille", "medecin_generaliste", "Sophie Laurent", 21, 14, "Paris", None, "email")
    appointment("ines", "pediatre", "Hugo Blanc", 12, 9, "Lyon", "Vaccins des 6 mois", "sms")
    appointment("noah", "dentiste", None, 30, 16, "Lyon", None, "")
    appointment("lucien", "infirmier", "Nadia Haddad", 2, 8, "À la maison", None, "sms")

    thread = MessageThread(
        person_id=people["camille"].id,
        professional_id=pros["laurent"].id,
        subject="Résultats de la prise de sang",
        opened_at=_when(3, now),
    )
    closed = MessageThread(
        person_id=people["camille"].id,
        professional_id=pros["lefevre"].id,
        subject="Rendez-vous dentaire",
        opened_at=_when(60, now),
        closed_at=_when(50, now),
    )
    session.add_all([thread, closed])
    session.flush()
    session.add_all(
        [
            Message(
                thread_id=thread.id,
                sender_kind="professional",
                body="Bonjour, vos résultats sont bons.\nContinuez votre traitement.",
                sent_at=_when(3, now),
            ),
            Message(
                thread_id=closed.id,
                sender_kind="professional",
                body="Bonjour, pensez à votre contrôle dans 6 mois.",
                sent_at=_when(60, now),
                read_at=_when(59, now),
            ),
            Message(
                thread_id=closed.id,
                sender_kind="patient",
                sender_person_id=people["camille"].id,
                body="Merci, je prendrai rendez-vous.",
                sent_at=_when(58, now),
            ),
        ]
    )

    # A short access history (written as it happened, before any notification existed).
    history = [
        ("camille", "laurent", "read_record", True, None, 3),
        ("camille", "lefevre", "add_document", True, None, 45),
        ("camille", "mercier", "refused_read_record", False, None, 15),
        ("jeanne", "haddad", "emergency", True, "Malaise à domicile", 30),
    ]
    for key, pro_key, action, allowed, reason, days in history:
        pro = pros[pro_key]
        session.add(
            AccessLogEntry(
                person_id=people[key].id,
                at=_when(days, now),
                actor_kind="professional",
                actor_id=pro.id,
                actor_name=_pro_name(pro),
                actor_role="professional",
                profession=pro.profession,
                action=action,
                allowed=allowed,
                status=200 if allowed else 403,
                code="ok" if allowed else "professional_blocked",
                reason=reason,
            )
        )
    session.flush()


def _add_months(d: date, months: int) -> date:
    from records.services.recommendations import add_months

    return add_months(d, months)
