"""Health check and the terms summary."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import text
from sqlalchemy.orm import Session

from records.deps import get_db
from records.messages import TERMS, TERMS_VERSION
from records.schemas.accounts import Terms

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: Session = Depends(get_db)) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/terms", response_model=Terms)
def terms() -> Terms:
    """The easy-to-read summary of the terms of use, shown before acceptance."""
    lines = [line for text_ in TERMS.values() for line in text_.split("\n")]
    return Terms(version=TERMS_VERSION, lines=lines)
