"""People and roles (SPEC §3.1): identities with valid NIRs, family links, demo data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.fr import nir as stdnum_nir

from records.models import (
    ChildLink,
    ExcludedOrganisation,
    HelplineAgent,
    LegalRepresentation,
    Person,
    Professional,
)
from records.seed import CHILDREN, EXCLUDED, PEOPLE, PROFESSIONALS, make_nir
from records.services.dates import date_words, datetime_words
from records.services.validation import (
    is_common_password,
    mask_email,
    mask_phone,
    nir_matches,
)


def test_seeded_people_have_valid_nirs_matching_their_identity(database, db):
    with database.session() as session:
        people = session.execute(select(Person)).scalars().all()
        assert len(people) == len(PEOPLE) + len(CHILDREN)
        for person in people:
            assert stdnum_nir.is_valid(person.nir)
            assert nir_matches(person.nir, person.birth_date, person.sex)


def test_a_wrong_nir_is_never_stored():
    nir = make_nir("F", date(1985, 4, 12), "75056", 1)
    assert Person(nir=nir).nir == nir
    with pytest.raises(ValueError):
        Person(nir=nir[:-2] + f"{(int(nir[-2:]) + 1) % 97:02d}")
    assert not nir_matches(nir, date(1985, 5, 12), "F")
    assert not nir_matches(nir, date(1985, 4, 12), "M")


def test_seeded_roles(database, db):
    with database.session() as session:
        count = lambda model: session.execute(select(func.count()).select_from(model)).scalar()  # noqa: E731
        assert count(ChildLink) == 5
        # One recorded other parent is not given the child until the attached parent shares.
        not_shared = select(func.count()).where(
            ChildLink.role == "second_parent", ChildLink.shared_at.is_(None)
        )
        assert session.execute(not_shared).scalar() == 1
        assert count(LegalRepresentation) == 1
        assert count(HelplineAgent) == 1
        assert count(Professional) == len(PROFESSIONALS)
        professions = set(session.execute(select(Professional.profession)).scalars())
        assert {"medecin_generaliste", "dentiste", "infirmier", "pharmacien"} <= professions
        assert "medecin_du_travail" in professions
        kinds = set(session.execute(select(ExcludedOrganisation.kind)).scalars())
        assert (
            kinds
            == {kind for _, kind, _ in EXCLUDED}
            == {"insurer", "mutuelle", "bank", "employer"}
        )
        keys = set(session.execute(select(Professional.api_key_hash)).scalars())
        assert not any(p.api_key in keys for p in PROFESSIONALS)  # only hashes are stored
        traitant = session.execute(
            select(Person).where(Person.first_name == "Camille")
        ).scalar_one()
        doctor = session.get(Professional, traitant.medecin_traitant_id)
        assert doctor.last_name == "Laurent"


def test_children_ages_for_the_demo():
    ages = {c.key: (date(2026, 11, 26) - c.birth_date).days // 365 for c in CHILDREN}
    assert ages["ines"] == 0 and 6 <= ages["noah"] <= 11


def test_masks():
    assert mask_phone("+33612345612") == "06 •• •• •• 12"
    assert mask_email("camille.martin@example.org") == "c•••@example.org"
    assert mask_phone(None) is None and mask_email(None) is None


@pytest.mark.parametrize(
    ("password", "common"),
    [
        ("azerty", True),
        ("Azerty123!", True),
        ("MotDePasse2024!", True),
        ("123456789", True),
        ("Tournesol-Bleu-47", False),
        ("Xq7!vLp2#Rm", False),
    ],
)
def test_common_password_list(password, common):
    assert is_common_password(password) is common


def test_dates_in_words_in_paris_time():
    from datetime import datetime, timezone

    assert date_words(date(2026, 12, 1)) == "mardi 1 décembre 2026"
    assert datetime_words(datetime(2026, 12, 3, 9, 30, tzinfo=timezone.utc)) == (
        "jeudi 3 décembre 2026 à 10 heures 30"
    )
    assert datetime_words(datetime(2026, 7, 14, 6, 0, tzinfo=timezone.utc)) == (
        "mardi 14 juillet 2026 à 8 heures"
    )
