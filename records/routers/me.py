"""The logged-in person (directly or through a linked assistant conversation)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from records import clock
from records.deps import current_session, get_db, get_settings_dep, resolve_caller
from records.errors import AppError
from records.models import Account, AuthSession, HelplineAgent, Professional
from records.policy import Caller, managed_people, require_person
from records.schemas.accounts import Closed, CloseIn, ManagedPerson, MaskedContacts, Me
from records.services import closing, people, sessions
from records.settings import Settings

router = APIRouter(tags=["me"])


@router.get("/me", response_model=Me)
def me(
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
    settings: Settings = Depends(get_settings_dep),
) -> Me:
    if caller.kind == "professional":
        pro = session.get(Professional, caller.professional_id)
        assert pro is not None
        return Me(
            kind="professional",
            display_name=f"{pro.first_name} {pro.last_name}",
            profession=pro.profession,
        )
    if caller.kind == "agent":
        agent = session.get(HelplineAgent, caller.agent_id)
        assert agent is not None
        return Me(kind="agent", display_name=agent.display_name, agent_id=agent.id)
    person_id = require_person(caller)
    person = people.get_person(session, person_id)
    account = session.get(Account, caller.account_id)
    row = session.get(AuthSession, caller.session_id)
    assert account is not None and row is not None
    managed = [
        ManagedPerson(
            person_id=p.id,
            first_name=p.first_name,
            last_name=p.last_name,
            birth_date=p.birth_date,
            relation=relation,
        )
        for p, relation in managed_people(session, person.id, clock.now().date())
    ]
    return Me(
        kind="patient",
        user_id=account.id,
        person_id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        birth_date=person.birth_date,
        identifier=account.identifier,
        contacts=MaskedContacts(**people.masked_contacts(person.phone, person.email)),
        activation_mode=account.activation_mode,
        managed=managed,
        session_expires_at=sessions.expires_at(row, settings),
    )


@router.post("/me/close", response_model=Closed)
def close(
    body: CloseIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
) -> Closed:
    # The person's own session, or the assistant in a conversation that person linked:
    # closing is always possible ("C'est moi qui décide").
    if caller.kind != "patient":
        if caller.kind == "assistant":
            require_person(caller)
        else:
            raise AppError("unauthenticated", 401)
    current_session(caller, session)
    account = session.get(Account, caller.account_id)
    assert account is not None
    closing.close(session, account, body.delete_data)
    session.commit()
    return Closed(
        status=account.status,
        data_deleted=account.data_deleted_at is not None,
        retain_until=account.retain_until,
    )
