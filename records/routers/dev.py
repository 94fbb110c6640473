"""Development-only routes. Mounted only when ENVIRONMENT is development or test."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.deps import get_db
from records.models import OutboxMessage
from records.schemas.accounts import OutboxItem

router = APIRouter(prefix="/dev", tags=["development"])


@router.get("/outbox", response_model=list[OutboxItem])
def list_outbox(
    to: str | None = None, limit: int = 50, session: Session = Depends(get_db)
) -> list[OutboxItem]:
    """Messages written by the service, newest first: read activation codes here."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if to:
        query = query.where(OutboxMessage.to == to)
    rows = session.execute(query.limit(max(1, min(limit, 500)))).scalars()
    return [OutboxItem.model_validate(row, from_attributes=True) for row in rows]
