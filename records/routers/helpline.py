"""What a helpline (3422) agent did in an assistant conversation, in the person's access log.

The gateway's console calls this with the agent's own session token, before each action, so
the person sees in "qui a vu mon dossier" that a 3422 agent read or joined their conversation.
The conversation belongs to a person when it was ever linked to their account (SPEC §3.5);
an anonymous conversation leaves nothing personal here.
"""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import clock
from records.deps import get_db, resolve_caller
from records.errors import AppError
from records.messages_record import ACTOR_NAMES
from records.models import AccessLogEntry, Account, AssistantLink
from records.policy import Caller

log = logging.getLogger("records.helpline")
router = APIRouter(prefix="/helpline", tags=["helpline"])

HelplineAction = Literal["read", "take_over", "message", "hand_back", "activation"]


class HelplineEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=200)
    action: HelplineAction


def person_of_conversation(session: Session, conversation_id: str) -> str | None:
    """The person whose account this conversation was linked to, live or not any more."""
    return session.execute(
        select(Account.person_id)
        .join(AssistantLink, AssistantLink.account_id == Account.id)
        .where(AssistantLink.conversation_id == conversation_id)
    ).scalar_one_or_none()


@router.post("/events", status_code=204, responses={401: {}, 403: {}})
def helpline_event(
    body: HelplineEventIn,
    caller: Caller = Depends(resolve_caller),
    session: Session = Depends(get_db),
) -> Response:
    """One agent action in a conversation, written to the linked person's access log."""
    if caller.kind == "anonymous":
        raise AppError("unauthenticated", 401)
    if caller.kind != "agent":
        raise AppError("forbidden", 403)
    person_id = person_of_conversation(session, body.conversation_id)
    if person_id is not None:
        session.add(
            AccessLogEntry(
                person_id=person_id,
                at=clock.now(),
                actor_kind="agent",
                actor_id=caller.agent_id,
                actor_name=ACTOR_NAMES["agent"],
                actor_role="agent",
                profession=None,
                action=f"helpline_{body.action}",
                allowed=True,
                status=200,
                code="helpline",
            )
        )
        session.commit()
        log.info("access log: agent helpline_%s on a record", body.action)
    return Response(status_code=204)
