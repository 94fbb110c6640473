"""Refusing Mon espace santé before activation: a PDF proof."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from records.deps import get_db, get_settings_dep, resolve_caller
from records.policy import Caller
from records.schemas.accounts import RefusalIn
from records.services import refusal as service
from records.settings import Settings

router = APIRouter(tags=["refusal"])


@router.post(
    "/refusals",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The proof (PDF)"}},
)
def refuse(
    body: RefusalIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    person, refusal = service.refuse(
        session, settings, body.birth_date, body.vitale_serial, caller.client_key
    )
    pdf = service.proof_pdf(person, refusal)
    session.commit()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="refus-mon-espace-sante.pdf"'},
    )
