"""The caller of record routes. Like records.deps.resolve_caller, except that an excluded
organisation (insurer, mutuelle, bank, employer) is not turned away at the door: the policy
refuses it on the record it tried, so the attempt lands in that person's access log."""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.deps import _bearer, _client_key, get_db, get_settings_dep, resolve_caller
from records.errors import AppError
from records.models import ExcludedOrganisation
from records.policy import Caller
from records.security import token_hash
from records.settings import Settings


def record_caller(
    request: Request,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Caller:
    try:
        return resolve_caller(request, session, settings)
    except AppError as exc:
        if exc.code != "excluded_organisation":
            raise
    token = _bearer(request) or ""
    org = session.execute(
        select(ExcludedOrganisation).where(ExcludedOrganisation.api_key_hash == token_hash(token))
    ).scalar_one_or_none()
    # The organisation's id rides in professional_id only for the log's actor_id.
    return Caller(
        kind="excluded",
        client_key=_client_key(request),
        professional_id=org.id if org is not None else None,
        profession=org.kind if org is not None else None,
    )
