"""Refusing Mon espace santé before activation: the person proves it is them, then gets a PDF
proof. With the welcome-letter code it is one call; with a Vitale serial a one-time code goes
to the person's known contact first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from records.deps import get_db, get_settings_dep, resolve_caller
from records.models import Person, Refusal
from records.policy import Caller
from records.schemas.accounts import RefusalCodeSent, RefusalConfirmIn, RefusalIn
from records.services import refusal as service
from records.settings import Settings

from .common import channel as parse_channel

router = APIRouter(tags=["refusal"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "The proof (PDF)"}}


def _proof(session: Session, person: Person, refusal: Refusal) -> Response:
    pdf = service.proof_pdf(person, refusal)
    session.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="refus-mon-espace-sante.pdf"'},
    )


@router.post(
    "/refusals",
    response_class=Response,
    responses={
        **PDF,
        202: {"model": RefusalCodeSent, "description": "A code went to the person's contact"},
    },
)
def refuse(
    body: RefusalIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    person, refusal, refusal_id, sent_to = service.start(
        session,
        settings,
        birth_date=body.birth_date,
        vitale_serial=body.vitale_serial,
        welcome_code=body.welcome_code,
        channel=parse_channel(body.channel),
        client_key=caller.client_key,
    )
    if refusal is not None:
        return _proof(session, person, refusal)
    session.commit()
    sent = RefusalCodeSent(refusal_id=refusal_id or "", sent_to=sent_to or "")
    return JSONResponse(sent.model_dump(), status_code=202)


@router.post("/refusals/{refusal_id}/confirm", response_class=Response, responses=PDF)
def confirm(
    refusal_id: str,
    body: RefusalConfirmIn,
    _caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    person, refusal = service.confirm(session, settings, refusal_id, body.code)
    return _proof(session, person, refusal)
