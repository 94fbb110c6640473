"""People and roles (SPEC §3.1): insured persons, family links, professionals, agents and the
organisations that can never be given access."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir

from records.models.base import Base, IdMixin, UTCDateTime

# Normalised professions: the same values as the assistant's `professional` entity.
PROFESSIONS = (
    "medecin_generaliste",
    "specialiste",
    "dentiste",
    "kine",
    "infirmier",
    "pharmacien",
    "sage_femme",
    "ophtalmologue",
    "pediatre",
    "gynecologue",
    "cardiologue",
    "dermatologue",
    "psychiatre",
    "radiologue",
    "laboratoire",
    "medecin_du_travail",
)
EXCLUDED_KINDS = ("insurer", "mutuelle", "bank", "employer")


class Person(IdMixin, Base):
    """An insured person (or a child on a parent's card). The profile exists before any
    account: the account is created by activation."""

    __tablename__ = "persons"

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(1))  # "F" or "M", as in the NIR
    # INS matricule: for people born or registered in France it is the NIR (15 characters).
    nir: Mapped[str | None] = mapped_column(String(15), unique=True)
    vitale_serial: Mapped[str | None] = mapped_column(String(20), index=True)
    # Known to the insurance, used to send activation codes; E.164 phone.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Optional provisional code from the welcome letter, stored hashed like every code.
    welcome_code_hash: Mapped[str | None] = mapped_column(String(128))
    medecin_traitant_id: Mapped[str | None] = mapped_column(
        ForeignKey("professionals.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @validates("nir")
    def _valid_nir(self, _key: str, value: str | None) -> str | None:
        """Only NIRs with a valid format and check key are stored (python-stdnum)."""
        if value is None:
            return None
        try:
            return stdnum_nir.validate(value)
        except StdnumError as exc:
            raise ValueError("invalid NIR") from exc


class ChildLink(IdMixin, Base):
    """A child managed from a parent's account: `attached` is the parent the child is
    attached to; `second_parent` gets access once `shared_at` is set."""

    __tablename__ = "child_links"
    __table_args__ = (UniqueConstraint("child_id", "parent_id"),)

    child_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # attached | second_parent
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LegalRepresentation(IdMixin, Base):
    """A legal representative (tutelle) acting for a protected adult."""

    __tablename__ = "legal_representations"
    __table_args__ = (UniqueConstraint("protected_id", "representative_id"),)

    protected_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    representative_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30), default="tutelle")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Professional(IdMixin, Base):
    """A health professional, authenticated by an API key issued to their software."""

    __tablename__ = "professionals"

    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(40))
    # The title as the professional gives it ("infirmière"); None: the profession's label.
    title: Mapped[str | None] = mapped_column(String(60))
    rpps: Mapped[str] = mapped_column(String(11), unique=True)
    city: Mapped[str | None] = mapped_column(String(100))
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HelplineAgent(IdMixin, Base):
    """A 3422 helpline agent; logs in with a login and a password."""

    __tablename__ = "helpline_agents"

    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ExcludedOrganisation(IdMixin, Base):
    """Insurers, mutuelles, banks, employers (CSP L1111-18). They may hold a key, so that an
    attempt is recognised, refused and logged; no consent can change that."""

    __tablename__ = "excluded_organisations"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
