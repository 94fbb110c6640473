"""Routes for the gateway's own back office: the helpline console and reminders push here.

Protected by GATEWAY_INTERNAL_TOKEN; the public widget never calls them.
"""

from __future__ import annotations

import hmac
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field

from bot.chat import ChatService
from bot.errors import ApiError

router = APIRouter(prefix="/internal", tags=["internal"])


def require_token(request: Request, authorization: str | None = Header(None)) -> None:
    expected = f"Bearer {request.app.state.settings.gateway_internal_token}"
    if not authorization or not hmac.compare_digest(authorization.encode(), expected.encode()):
        raise ApiError(401, "forbidden")


class PushIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    from_: Literal["agent", "system"] = Field("agent", alias="from")
    agent_name: str | None = Field(None, max_length=100)


class HandoffIn(BaseModel):
    active: bool


def chat(request: Request) -> ChatService:
    return request.app.state.chat


@router.post("/conversations/{conversation_id}/messages", dependencies=[Depends(require_token)])
async def push_message(conversation_id: str, body: PushIn, request: Request) -> dict[str, Any]:
    """Push an agent's answer or a reminder into a conversation (shown at once by the widget)."""
    service = chat(request)
    if service.store.get(conversation_id) is None:
        raise ApiError(404, "conversation_not_found")
    return await service.push(conversation_id, body.from_, body.text, body.agent_name)


@router.put("/conversations/{conversation_id}/handoff", dependencies=[Depends(require_token)])
async def set_handoff(conversation_id: str, body: HandoffIn, request: Request) -> dict[str, Any]:
    """A person of the 3422 takes over (user messages go to them, not to Rasa) or hands back."""
    service = chat(request)
    if service.store.get(conversation_id) is None:
        raise ApiError(404, "conversation_not_found")
    return await service.set_handoff(conversation_id, body.active)
