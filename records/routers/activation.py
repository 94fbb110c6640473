"""Activation routes (SPEC §3.2), one call per step."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from records.deps import get_db, get_settings_dep, resolve_caller
from records.policy import Caller
from records.schemas.accounts import (
    ActivationStart,
    ActivationStarted,
    ActivationState,
    ChannelIn,
    CodeIn,
    CodeSent,
    Contacts,
    ContactsIn,
    CredentialsIn,
    MaskedContacts,
    Step,
    StepWithContacts,
    TermsIn,
    Token,
)
from records.services import activation as service
from records.services import people, sessions
from records.services.validation import format_phone
from records.settings import Settings

from .common import channel as parse_channel

router = APIRouter(prefix="/activations", tags=["activation"])
# Until the code is verified, nobody has proved to be the person: contacts stay masked.
BEFORE_THE_CODE = frozenset({"serial", "code_channel", "code"})


@router.post("", status_code=201, response_model=ActivationStarted)
def start(
    body: ActivationStart,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> ActivationStarted:
    helper = service.Helper()
    if caller.kind == "agent":
        helper = service.Helper("agent", caller.agent_id)
    elif caller.kind == "professional":
        helper = service.Helper("professional", caller.professional_id)
    elif body.helper_id:
        helper = service.Helper(None, body.helper_id[:100])
    activation = service.start(
        session,
        settings,
        birth_date=body.birth_date,
        vitale_serial=body.vitale_serial,
        welcome_code=body.welcome_code,
        mode=body.mode,
        helper=helper,
        client_key=caller.client_key,
    )
    session.commit()
    return ActivationStarted(
        activation_id=activation.id,
        step=activation.step,
        mode=activation.mode,
        contacts=MaskedContacts(**people.masked_contacts(activation.phone, activation.email)),
    )


@router.get("/{activation_id}", response_model=ActivationState)
def state(
    activation_id: str,
    session: Session = Depends(get_db),
    _caller: Caller = Depends(resolve_caller),
) -> ActivationState:
    activation = service.load(session, activation_id)
    verified = None
    if activation.step not in BEFORE_THE_CODE:
        verified = Contacts(phone=format_phone(activation.phone), email=activation.email)
    return ActivationState(
        activation_id=activation.id,
        step=activation.step,
        mode=activation.mode,
        contacts=MaskedContacts(**people.masked_contacts(activation.phone, activation.email)),
        expires_at=activation.expires_at,
        verified_contacts=verified,
    )


@router.post("/{activation_id}/code", status_code=202, response_model=CodeSent)
def send_code(
    activation_id: str,
    body: ChannelIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> CodeSent:
    activation = service.load(session, activation_id, lock=True)
    sent_to = service.send_code(session, settings, activation, parse_channel(body.channel) or "")
    session.commit()
    return CodeSent(step=activation.step, sent_to=sent_to)


@router.post("/{activation_id}/code/verify", response_model=StepWithContacts)
def verify_code(
    activation_id: str,
    body: CodeIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> StepWithContacts:
    activation = service.load(session, activation_id, lock=True)
    service.verify_code(session, settings, activation, body.code)
    session.commit()
    return StepWithContacts(
        step=activation.step,
        contacts=Contacts(phone=format_phone(activation.phone), email=activation.email),
    )


@router.put("/{activation_id}/contacts", response_model=StepWithContacts)
def update_contacts(
    activation_id: str,
    body: ContactsIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> StepWithContacts:
    activation = service.load(session, activation_id, lock=True)
    service.update_contacts(session, settings, activation, body.phone, body.email)
    session.commit()
    return StepWithContacts(
        step=activation.step,
        contacts=Contacts(phone=format_phone(activation.phone), email=activation.email),
    )


@router.post("/{activation_id}/terms", response_model=Step)
def accept_terms(
    activation_id: str,
    body: TermsIn,
    session: Session = Depends(get_db),
    _caller: Caller = Depends(resolve_caller),
) -> Step:
    activation = service.load(session, activation_id, lock=True)
    service.accept_terms(activation, body.accepted)
    session.commit()
    return Step(step=activation.step)


@router.post("/{activation_id}/credentials", response_model=CodeSent)
def set_credentials(
    activation_id: str,
    body: CredentialsIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> CodeSent:
    activation = service.load(session, activation_id, lock=True)
    sent_to = service.set_credentials(
        session,
        settings,
        activation,
        body.identifier,
        body.password,
        parse_channel(body.channel) or "sms",
    )
    session.commit()
    return CodeSent(step=activation.step, sent_to=sent_to)


@router.post("/{activation_id}/confirm", status_code=201, response_model=Token)
def confirm(
    activation_id: str,
    body: CodeIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> Token:
    activation = service.load(session, activation_id, lock=True)
    token, account, row = service.confirm(session, settings, activation, body.code)
    session.commit()
    return Token(token=token, expires_at=sessions.expires_at(row, settings), user_id=account.id)
