"""Login, second factor, logout; helpline agent login."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from records.deps import current_session, get_db, get_settings_dep, resolve_caller
from records.errors import AppError
from records.policy import Caller
from records.schemas.accounts import (
    AgentLoginIn,
    AgentToken,
    Challenge,
    CodeIn,
    LoginIn,
    ResendIn,
    Token,
)
from records.services import auth as service
from records.services import sessions
from records.settings import Settings

from .common import channel as parse_channel

router = APIRouter(prefix="/auth", tags=["login"])


@router.post("/login", response_model=Challenge)
def login(
    body: LoginIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Challenge:
    challenge, sent_to = service.start_login(
        session,
        settings,
        body.identifier,
        body.password,
        parse_channel(body.channel),
        caller.client_key,
    )
    session.commit()
    return Challenge(challenge_id=challenge.id, sent_to=sent_to)


@router.post("/login/{challenge_id}/code", status_code=202, response_model=Challenge)
def resend_code(
    challenge_id: str,
    body: ResendIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> Challenge:
    challenge = service.load_challenge(session, challenge_id)
    sent_to = service.resend_login_code(session, settings, challenge, parse_channel(body.channel))
    session.commit()
    return Challenge(challenge_id=challenge.id, sent_to=sent_to)


@router.post("/login/{challenge_id}/verify", response_model=Token)
def verify(
    challenge_id: str,
    body: CodeIn,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
    _caller: Caller = Depends(resolve_caller),
) -> Token:
    challenge = service.load_challenge(session, challenge_id)
    token, row = service.verify_login(session, settings, challenge, body.code)
    session.commit()
    return Token(
        token=token, expires_at=sessions.expires_at(row, settings), user_id=challenge.account_id
    )


@router.post("/logout", status_code=204)
def logout(
    caller: Caller = Depends(resolve_caller), session: Session = Depends(get_db)
) -> Response:
    if caller.kind not in ("patient", "agent"):
        raise AppError("unauthenticated", 401)
    sessions.revoke(session, current_session(caller, session))
    session.commit()
    return Response(status_code=204)


@router.post("/agents/login", response_model=AgentToken)
def agent_login(
    body: AgentLoginIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> AgentToken:
    token, row, agent = service.agent_login(
        session, settings, body.login, body.password, caller.client_key
    )
    session.commit()
    return AgentToken(
        token=token,
        expires_at=sessions.expires_at(row, settings),
        agent_id=agent.id,
        display_name=agent.display_name,
    )
