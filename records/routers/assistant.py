"""Linking an assistant conversation to the logged-in person (SPEC §3.5)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from records.deps import current_session, get_db, get_settings_dep, resolve_caller
from records.errors import AppError
from records.policy import Caller
from records.schemas.accounts import LinkIn, LinkOut
from records.services import assistant as service
from records.settings import Settings

router = APIRouter(prefix="/assistant", tags=["assistant"])


@router.post("/links", status_code=201, response_model=LinkOut)
def create_link(
    body: LinkIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> LinkOut:
    """Made with the person's own session token (the gateway holds it, Rasa never does)."""
    if caller.kind != "patient":
        raise AppError("unauthenticated", 401)
    link = service.link(session, settings, current_session(caller, session), body.conversation_id)
    session.commit()
    return LinkOut(conversation_id=link.conversation_id, expires_at=link.expires_at)


@router.delete("/links/{conversation_id}", status_code=204)
def delete_link(
    conversation_id: str,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
) -> Response:
    if caller.kind == "patient":
        service.unlink(session, conversation_id, caller.account_id)
    elif caller.kind == "assistant":
        service.unlink(session, conversation_id, None)
    else:
        raise AppError("unauthenticated", 401)
    session.commit()
    return Response(status_code=204)
