"""Request dependencies: the database session and the caller (anonymous, patient session,
professional API key, helpline agent, the assistant with a conversation, excluded org)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.db import Database
from records.errors import AppError
from records.models import Account, AuthSession, ExcludedOrganisation, Professional
from records.policy import Caller, refuse_excluded_organisation
from records.security import constant_equals, token_hash
from records.services import assistant, sessions
from records.settings import Settings


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.db
    with database.session() as session:
        yield session


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _client_key(request: Request, vouched_address: str | None = None) -> str:
    """The end user's address, the key of the per-client limits. `vouched_address` is the
    X-Client-Address sent by a trusted service (checked by the caller); otherwise the socket
    peer, or the address a trusted reverse proxy saw (X-Forwarded-For)."""
    if vouched_address:
        return "ip:" + vouched_address
    peer = request.client.host if request.client else "unknown"
    proxies = request.app.state.settings.trusted_proxy_networks
    if _in_networks(peer, proxies):
        # Right to left: the first address not ours is the one that reached our proxies.
        hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            address = _ip(hop)
            if address is None:
                break
            if not _in_networks(hop, proxies):
                return "ip:" + str(address)
    return "ip:" + peer


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _in_networks(text: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    address = _ip(text)
    return address is not None and any(address in network for network in networks)


def _vouched_address(request: Request) -> str | None:
    """X-Client-Address, read only for callers holding the service token."""
    address = _ip(request.headers.get("x-client-address", "")[:64])
    return str(address) if address is not None else None


def _person_caller(
    session: Session, settings: Settings, row: AuthSession, base: dict[str, Any]
) -> Caller:
    sessions.touch(session, settings, row)
    account = session.get(Account, row.account_id) if row.account_id else None
    if account is None or account.status != "active":
        raise AppError("session_expired", 401)
    return Caller(account_id=account.id, person_id=account.person_id, session_id=row.id, **base)


def identify_caller(request: Request, session: Session, settings: Settings) -> Caller:
    """Who is calling, excluded organisations included (kind "excluded"): the record routes
    refuse those in records/services/record_access.py, on the person they named."""
    token = _bearer(request)
    if token is None:
        if request.headers.get("authorization"):
            raise AppError("unauthenticated", 401)
        return Caller(kind="anonymous", client_key=_client_key(request))

    # The assistant: service credential, acting for one conversation at a time.
    if constant_equals(token, settings.records_service_token):
        conversation = (request.headers.get("x-conversation-id") or "").strip()[:200] or None
        # Telegram and SMS conversations come without an address: one chat, one client.
        address = _vouched_address(request)
        if address:
            client_key = _client_key(request, address)
        elif conversation:
            client_key = f"conv:{conversation}"
        else:
            client_key = _client_key(request)
        base = {"kind": "assistant", "client_key": client_key, "conversation_id": conversation}
        if conversation:
            link = assistant.find_live(session, conversation)
            if link is not None:
                row = session.get(AuthSession, link.session_id)
                if row is not None and sessions.is_live(row, settings, clock.now()):
                    caller = _person_caller(session, settings, row, base)
                    session.commit()
                    return caller
        return Caller(**base)

    hashed = token_hash(token)
    row = session.execute(
        select(AuthSession).where(AuthSession.token_hash == hashed)
    ).scalar_one_or_none()
    if row is not None:
        if row.agent_id:
            sessions.touch(session, settings, row)
            session.commit()
            return Caller(
                kind="agent",
                client_key=_client_key(request),
                agent_id=row.agent_id,
                session_id=row.id,
            )
        caller = _person_caller(
            session, settings, row, {"kind": "patient", "client_key": _client_key(request)}
        )
        session.commit()
        return caller

    pro = session.execute(
        select(Professional).where(Professional.api_key_hash == hashed)
    ).scalar_one_or_none()
    if pro is not None and pro.active:
        return Caller(
            kind="professional",
            client_key=_client_key(request),
            professional_id=pro.id,
            profession=pro.profession,
        )

    org = session.execute(
        select(ExcludedOrganisation).where(ExcludedOrganisation.api_key_hash == hashed)
    ).scalar_one_or_none()
    if org is not None:
        return Caller(
            kind="excluded",
            client_key=_client_key(request),
            organisation_id=org.id,
            profession=org.kind,
        )
    raise AppError("unauthenticated", 401)


def resolve_caller(
    request: Request,
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Caller:
    """The caller of account routes: an excluded organisation is turned away at the door
    (no person is named there, so there is nothing to log on a record)."""
    caller = identify_caller(request, session, settings)
    if caller.kind == "excluded":
        raise refuse_excluded_organisation(
            caller.organisation_id or "", caller.profession or "", request.url.path
        )
    return caller


def current_session(caller: Caller, session: Session) -> AuthSession:
    if caller.session_id is None:
        raise AppError("unauthenticated", 401)
    row = session.get(AuthSession, caller.session_id)
    assert row is not None
    return row
