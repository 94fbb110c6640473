"""Demo data (SPEC §8): `python -m records.seed --if-empty` fills an empty database.

Fictitious people only. Their NIRs have valid check digits and are built here from the sex,
birth date and a made-up place and order number. docs/demo-identities.md lists them.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records import clock
from records.db import Database
from records.models import (
    ChildLink,
    ExcludedOrganisation,
    HelplineAgent,
    LegalRepresentation,
    Person,
    Professional,
)
from records.security import hash_code, hash_password, token_hash
from records.services.validation import nir_matches
from records.settings import Settings, apply_security_settings, get_settings


def make_nir(sex: str, born: date, place: str, order: int) -> str:
    """A NIR with a valid key: sex, year, month, place (5 digits), order (3 digits), key."""
    body = f"{'1' if sex == 'M' else '2'}{born.year % 100:02d}{born.month:02d}{place}{order:03d}"
    return body + f"{97 - int(body) % 97:02d}"


@dataclass
class DemoPerson:
    key: str
    first_name: str
    last_name: str
    sex: str
    birth_date: date
    vitale_serial: str | None
    phone: str | None
    email: str | None
    place: str
    purpose: str
    welcome_code: str | None = None
    children: list[str] = field(default_factory=list)


# Adults insured in their own name, none activated yet.
PEOPLE: list[DemoPerson] = [
    DemoPerson(
        "camille",
        "Camille",
        "Martin",
        "F",
        date(1985, 4, 12),
        "1000000101",
        "+33612345612",
        "camille.martin@example.org",
        "75056",
        "Activation seule, de bout en bout",
        welcome_code="CAMI2026",
    ),
    DemoPerson(
        "karim",
        "Karim",
        "Benali",
        "M",
        date(1979, 9, 3),
        "1000000202",
        "+33623456734",
        "karim.benali@example.org",
        "69123",
        "Parent de 2 enfants : un bébé et un enfant d'âge scolaire",
    ),
    DemoPerson(
        "helene",
        "Hélène",
        "Petit",
        "F",
        date(1958, 6, 15),
        "1000000303",
        "+33645678978",
        "helene.petit@example.org",
        "59350",
        "Tutrice de son frère Lucien (mode « avec mon tuteur »)",
    ),
    DemoPerson(
        "lucien",
        "Lucien",
        "Petit",
        "M",
        date(1962, 11, 30),
        "1000000404",
        "+33656789090",
        None,
        "59350",
        "Adulte protégé : activation avec sa tutrice Hélène",
    ),
    DemoPerson(
        "julie",
        "Julie",
        "Moreau",
        "F",
        date(1990, 1, 25),
        "1000000505",
        "+33667890112",
        "julie.moreau@example.org",
        "33063",
        "Parents séparés : Léa est rattachée à Julie",
    ),
    DemoPerson(
        "thomas",
        "Thomas",
        "Girard",
        "M",
        date(1988, 7, 7),
        "1000000606",
        "+33678901234",
        "thomas.girard@example.org",
        "31555",
        "Parents séparés : Léa est partagée avec Thomas",
    ),
    DemoPerson(
        "jeanne",
        "Jeanne",
        "Dubois",
        "F",
        date(1948, 2, 2),
        "1000000707",
        "+33689012356",
        None,
        "13055",
        "Personne âgée, seulement un téléphone (code par SMS)",
    ),
    DemoPerson(
        "paul",
        "Paul",
        "Lambert",
        "M",
        date(2001, 10, 10),
        "1000000808",
        None,
        "paul.lambert@example.org",
        "44109",
        "Seulement une adresse mail ; code de bienvenue",
        welcome_code="PAUL2026",
    ),
    DemoPerson(
        "rose",
        "Rose",
        "Leroy",
        "F",
        date(1995, 6, 30),
        "1000000909",
        "+33690123478",
        "rose.leroy@example.org",
        "67482",
        "Pour essayer le refus de Mon espace santé (attestation PDF)",
    ),
]

# Children on a parent's card: no Vitale serial of their own.
CHILDREN: list[DemoPerson] = [
    DemoPerson(
        "ines", "Inès", "Benali", "F", date(2026, 5, 10), None, None, None, "69123", "Bébé de Karim"
    ),
    DemoPerson(
        "noah",
        "Noah",
        "Benali",
        "M",
        date(2018, 2, 20),
        None,
        None,
        None,
        "69123",
        "Enfant d'âge scolaire de Karim",
    ),
    DemoPerson(
        "lea",
        "Léa",
        "Girard",
        "F",
        date(2015, 3, 14),
        None,
        None,
        None,
        "33063",
        "Fille de Julie et Thomas, parents séparés",
    ),
]

# (child, parent, role): "attached" parent manages; "second_parent" shared by the first;
# "other_parent" recorded as the child's other parent, not shared yet (only a recorded parent
# can be given the child, by the attached parent).
CHILD_LINKS = [
    ("ines", "karim", "attached"),
    ("ines", "thomas", "other_parent"),
    ("noah", "karim", "attached"),
    ("lea", "julie", "attached"),
    ("lea", "thomas", "second_parent"),
]
REPRESENTATIONS = [("lucien", "helene")]


@dataclass
class DemoProfessional:
    key: str
    first_name: str
    last_name: str
    profession: str
    rpps: str
    city: str
    api_key: str
    note: str
    title: str | None = None  # as the professional gives it; None: the profession's label


PROFESSIONALS: list[DemoProfessional] = [
    DemoProfessional(
        "laurent",
        "Sophie",
        "Laurent",
        "medecin_generaliste",
        "10000000011",
        "Paris",
        "pro_demo_laurent_medecin_traitant_4f9a2c",
        "Médecin traitant de Camille, Karim, Julie, Lucien",
    ),
    DemoProfessional(
        "lefevre",
        "Marc",
        "Lefèvre",
        "dentiste",
        "10000000022",
        "Lyon",
        "pro_demo_lefevre_dentiste_8b31d7",
        "Dentiste",
    ),
    DemoProfessional(
        "haddad",
        "Nadia",
        "Haddad",
        "infirmier",
        "10000000033",
        "Lille",
        "pro_demo_haddad_infirmiere_c2e4a9",
        "Infirmière",
        "infirmière",
    ),
    DemoProfessional(
        "roche",
        "Paul",
        "Roche",
        "pharmacien",
        "10000000044",
        "Bordeaux",
        "pro_demo_roche_pharmacien_5d7e10",
        "Pharmacien (aide à l'activation)",
    ),
    DemoProfessional(
        "fontaine",
        "Claire",
        "Fontaine",
        "medecin_du_travail",
        "10000000055",
        "Toulouse",
        "pro_demo_fontaine_medecin_travail_9a0b3f",
        "Médecin du travail (accès seulement avec accord exprès)",
    ),
    DemoProfessional(
        "mercier",
        "Antoine",
        "Mercier",
        "kine",
        "10000000066",
        "Marseille",
        "pro_demo_mercier_kine_1c6f2e",
        "Masseur-kinésithérapeute",
    ),
    DemoProfessional(
        "garnier",
        "Émilie",
        "Garnier",
        "sage_femme",
        "10000000077",
        "Nantes",
        "pro_demo_garnier_sage_femme_7e2d4b",
        "Sage-femme",
    ),
    DemoProfessional(
        "blanc",
        "Hugo",
        "Blanc",
        "pediatre",
        "10000000088",
        "Lyon",
        "pro_demo_blanc_pediatre_3b8c6a",
        "Pédiatre des enfants Benali",
    ),
]
MEDECIN_TRAITANT = {
    "camille": "laurent",
    "karim": "laurent",
    "julie": "laurent",
    "lucien": "laurent",
    "ines": "blanc",
    "noah": "blanc",
}

AGENT_LOGIN = "agent3422"
AGENT_PASSWORD = "Aide-3422-Demo!"  # noqa: S105 - published demo credential
AGENT_NAME = "Agent 3422 (démo)"

# Organisations that must always be refused (CSP L1111-18).
EXCLUDED = [
    ("Assurances Horizon", "insurer", "org_demo_horizon_assureur_6e1f"),
    ("Mutuelle Solidaire", "mutuelle", "org_demo_mutuelle_solidaire_2a9c"),
    ("Banque du Centre", "bank", "org_demo_banque_centre_8d4e"),
    ("Durand Logistique", "employer", "org_demo_durand_employeur_0b7a"),
]


@lru_cache(maxsize=1)
def _agent_password_hash() -> str:
    # Hashed once per process: argon2id is slow on purpose, and tests seed many times.
    return hash_password(AGENT_PASSWORD)


def is_empty(session: Session) -> bool:
    return session.execute(select(func.count()).select_from(Person)).scalar_one() == 0


def seed(session: Session, settings: Settings) -> dict[str, str]:
    """Insert the demo data; returns person key → id (and professional keys)."""
    now = clock.now()
    ids: dict[str, str] = {}
    for pro in PROFESSIONALS:
        row = Professional(
            first_name=pro.first_name,
            last_name=pro.last_name,
            profession=pro.profession,
            title=pro.title,
            rpps=pro.rpps,
            city=pro.city,
            api_key_hash=token_hash(pro.api_key),
            created_at=now,
        )
        session.add(row)
        session.flush()
        ids["pro:" + pro.key] = row.id
    for order, demo in enumerate(PEOPLE + CHILDREN, start=101):
        nir = make_nir(demo.sex, demo.birth_date, demo.place, order)
        assert nir_matches(nir, demo.birth_date, demo.sex), demo.key
        row = Person(
            first_name=demo.first_name,
            last_name=demo.last_name,
            sex=demo.sex,
            birth_date=demo.birth_date,
            nir=nir,
            vitale_serial=demo.vitale_serial,
            phone=demo.phone,
            email=demo.email,
            created_at=now,
        )
        if demo.key in MEDECIN_TRAITANT:
            row.medecin_traitant_id = ids["pro:" + MEDECIN_TRAITANT[demo.key]]
        session.add(row)
        session.flush()
        if demo.welcome_code:
            row.welcome_code_hash = hash_code(
                settings.records_secret_key, "welcome", demo.welcome_code
            )
        ids[demo.key] = row.id
    for child, parent, role in CHILD_LINKS:
        session.add(
            ChildLink(
                child_id=ids[child],
                parent_id=ids[parent],
                role="attached" if role == "attached" else "second_parent",
                shared_at=now if role == "second_parent" else None,
                created_at=now,
            )
        )
    for protected, representative in REPRESENTATIONS:
        session.add(
            LegalRepresentation(
                protected_id=ids[protected], representative_id=ids[representative], created_at=now
            )
        )
    agent = HelplineAgent(
        login=AGENT_LOGIN,
        display_name=AGENT_NAME,
        password_hash=_agent_password_hash(),
        created_at=now,
    )
    session.add(agent)
    for name, kind, key in EXCLUDED:
        session.add(
            ExcludedOrganisation(name=name, kind=kind, api_key_hash=token_hash(key), created_at=now)
        )
    session.flush()
    ids["agent"] = agent.id
    # The record itself (issue 3): documents, profiles, agenda, messages… (records/seed_record.py)
    from records.seed_record import seed_record

    seed_record(session, settings, ids)
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fill the records database with demo data.")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when data exists")
    args = parser.parse_args(argv)
    settings = get_settings()
    if settings.environment == "production":
        print(
            "records seed: refused, the demo people and their known passwords are for "
            "development and test only (ENVIRONMENT=production)",
            file=sys.stderr,
        )
        return 2
    apply_security_settings(settings)
    database = Database(settings)
    try:
        with database.session() as session:
            if not is_empty(session):
                if args.if_empty:
                    print("records seed: the database already has data, nothing to do")
                    return 0
                print("records seed: the database is not empty (use --if-empty)", file=sys.stderr)
                return 1
            ids = seed(session, settings)
            session.commit()
    finally:
        database.dispose()
    people = len(PEOPLE) + len(CHILDREN)
    print(
        f"records seed: {people} people, {len(PROFESSIONALS)} professionals, 1 agent, "
        f"{len(EXCLUDED)} excluded organisations ({len(ids)} rows with ids)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
