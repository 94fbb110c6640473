"""Accounts, activation, login challenges, one-time codes, sessions and the assistant's
conversation links (SPEC §3.2, §3.5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base, IdMixin, UTCDateTime

ACTIVATION_STEPS = (
    "serial",
    "code_channel",
    "code",
    "contacts",
    "terms",
    "credentials",
    "final_code",
    "done",
)
ACTIVATION_MODES = ("alone", "representative", "professional")


class Account(IdMixin, Base):
    """The ability of a person to log in. One per person; closing keeps the row."""

    __tablename__ = "accounts"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), unique=True
    )
    identifier: Mapped[str | None] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # active | closed
    activation_mode: Mapped[str] = mapped_column(String(20))
    helper_kind: Mapped[str | None] = mapped_column(String(20))  # representative|agent|professional
    helper_id: Mapped[str | None] = mapped_column(String(100))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Closing keeps the record for the legal retention unless deletion is asked.
    retain_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    data_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Refusal(IdMixin, Base):
    """A person refused Mon espace santé before activation (they can change their mind)."""

    __tablename__ = "refusals"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Activation(IdMixin, Base):
    """One activation in progress, step by step."""

    __tablename__ = "activations"

    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    helper_kind: Mapped[str | None] = mapped_column(String(20))
    helper_id: Mapped[str | None] = mapped_column(String(100))
    # Contacts being checked; copied to the person when the space is created.
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    identifier: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginChallenge(IdMixin, Base):
    """Identifier and password were right; waiting for the one-time code."""

    __tablename__ = "login_challenges"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OneTimeCode(IdMixin, Base):
    """A 6-digit code, stored as a keyed hash; the newest one of an owner is the valid one."""

    __tablename__ = "one_time_codes"

    owner_kind: Mapped[str] = mapped_column(String(30))  # activation|activation_final|login
    owner_id: Mapped[str] = mapped_column(String(32), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthSession(IdMixin, Base):
    """A login session of a person (patient, parent, representative) or of a helpline agent.
    Only the SHA-256 of the token is stored."""

    __tablename__ = "auth_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("helpline_agents.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    absolute_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AssistantLink(IdMixin, Base):
    """A conversation of the assistant linked to a logged-in person's session (SPEC §3.5)."""

    __tablename__ = "assistant_links"
    __table_args__ = (UniqueConstraint("conversation_id"),)

    conversation_id: Mapped[str] = mapped_column(String(200))
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RateCounter(Base):
    """Failure counters for brute-force limits, in the database so replicas share them."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer, default=0)
