"""Bodies of the account routes (docs/contracts.md, "Account routes"). Fields whose rules
have their own error code are plain strings here and are checked by the services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=1000)

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # NUL and other control characters are never part of a real answer (and PostgreSQL
        # refuses NUL in text).
        if isinstance(value, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in value):
            raise ValueError("control character")
        return value


class MaskedContacts(BaseModel):
    sms: str | None = Field(None, examples=["06 •• •• •• 12"])
    email: str | None = Field(None, examples=["c•••@example.org"])


class Contacts(BaseModel):
    phone: str | None = Field(None, examples=["06 12 34 56 12"])
    email: str | None = None


class ActivationStart(_In):
    birth_date: str = Field(examples=["1985-04-12"])
    vitale_serial: str | None = Field(None, examples=["12345678"])
    welcome_code: str | None = None
    mode: str = Field("alone", examples=["alone", "representative", "professional"])
    helper_id: str | None = None


class ActivationStarted(BaseModel):
    activation_id: str
    step: str
    mode: str
    contacts: MaskedContacts


class ActivationState(BaseModel):
    activation_id: str
    step: str
    mode: str
    contacts: MaskedContacts
    expires_at: datetime
    # In full once the code proved the person (from the `contacts` step on), to check them.
    verified_contacts: Contacts | None = None


class ChannelIn(_In):
    channel: str = Field(examples=["sms", "email"])


class CodeSent(BaseModel):
    step: str
    sent_to: str


class CodeIn(_In):
    code: str = Field(examples=["123456"])


class StepWithContacts(BaseModel):
    step: str
    contacts: Contacts


class ContactsIn(_In):
    phone: str | None = None
    email: str | None = None


class TermsIn(_In):
    accepted: bool


class Step(BaseModel):
    step: str


class CredentialsIn(_In):
    identifier: str
    password: str
    channel: str = "sms"


class Token(BaseModel):
    token: str
    expires_at: datetime
    user_id: str


class LoginIn(_In):
    identifier: str
    password: str
    channel: str | None = None


class Challenge(BaseModel):
    challenge_id: str
    sent_to: str


class ResendIn(_In):
    channel: str | None = None


class AgentLoginIn(_In):
    login: str
    password: str


class AgentToken(BaseModel):
    token: str
    expires_at: datetime
    agent_id: str
    display_name: str


class ManagedPerson(BaseModel):
    person_id: str
    first_name: str
    last_name: str
    birth_date: date
    relation: str  # child | represented


class Me(BaseModel):
    kind: str
    user_id: str | None = None
    person_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    identifier: str | None = None
    contacts: MaskedContacts | None = None
    activation_mode: str | None = None
    managed: list[ManagedPerson] = []
    session_expires_at: datetime | None = None
    profession: str | None = None
    display_name: str | None = None
    agent_id: str | None = None


class RefusalIn(_In):
    birth_date: str
    vitale_serial: str | None = None
    welcome_code: str | None = None
    channel: str | None = None


class RefusalCodeSent(BaseModel):
    refusal_id: str
    sent_to: str


class RefusalConfirmIn(_In):
    code: str


class CloseIn(_In):
    delete_data: bool = False


class Closed(BaseModel):
    status: str
    data_deleted: bool
    retain_until: datetime | None


class LinkIn(_In):
    conversation_id: str = Field(min_length=1, max_length=200)


class LinkOut(BaseModel):
    conversation_id: str
    expires_at: datetime


class Terms(BaseModel):
    version: str
    lines: list[str]


class OutboxItem(BaseModel):
    id: str
    channel: str
    to: str
    subject: str | None
    body: str
    purpose: str
    status: str
    attempts: int
    created_at: datetime
