"""The caller of record routes. Unlike records.deps.resolve_caller, an excluded organisation
(insurer, mutuelle, bank, employer) is not turned away at the door: it reaches
records/services/record_access.py like every caller and is refused there, on the record it
tried, so the attempt lands in that person's access log."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from records.deps import get_db, get_settings_dep, identify_caller
from records.policy import Caller
from records.settings import Settings


def record_caller(
    request: Request,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Caller:
    return identify_caller(request, session, settings)
