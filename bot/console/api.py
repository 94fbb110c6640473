"""The helpline console's API (docs/contracts.md "Helpline console API"), beside the chat API.

Only agents reach it: every call checks the agent's token against records. Conversations are
named by their helpline ticket, never by their id (the widget's credential). Every agent
action is written to records' access log before it happens.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, Depends, Header, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from bot.chat import ChatService, HandoffTaken, sse_format
from bot.console.agents import (
    COOKIE_NAME,
    Agent,
    AgentRecords,
    ConsoleCookie,
    RecordsRefused,
    RecordsUnavailable,
)
from bot.conversations import HelplineTicket, StoredMessage
from bot.errors import ApiError

router = APIRouter(prefix="/api/console", tags=["helpline console"])
COOKIE_PATH = "/api/console"


# Models ---------------------------------------------------------------------------------


class LoginIn(BaseModel):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)


class AgentOut(BaseModel):
    display_name: str


class QueueItem(BaseModel):
    ticket: str = Field(description="The console's handle of the conversation.")
    channel: str = Field(description="web, telegram or sms.")
    handoff: Literal["requested", "active"]
    requested_at: float
    waiting_seconds: int = Field(description="Since the person asked for a person.")
    last_user_text: str | None = Field(description="The last thing the person wrote.")
    taken_by: str | None = Field(description="The agent who took it, if any.")
    taken_by_me: bool


class ConsoleMessage(BaseModel):
    id: int
    from_: Literal["user", "bot", "agent", "system"] = Field(alias="from")
    text: str
    masked: bool | None = Field(None, description="A secret the person typed (never shown).")
    agent_name: str | None = None
    created_at: float


class TicketOut(QueueItem):
    messages: list[ConsoleMessage]


class LookupIn(BaseModel):
    code: str = Field(min_length=1, max_length=20, description="The code the caller reads out.")


class LookupOut(BaseModel):
    ticket: str


class AgentMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class ActivationIn(BaseModel):
    birth_date: str = Field(examples=["1985-04-12"])
    vitale_serial: str = Field(min_length=1, max_length=30)
    channel: Literal["sms", "email"] = Field(description="Where records sends the person's code.")


class ActivationOut(BaseModel):
    activation_id: str
    step: str
    sent_to: str | None = Field(description="The person's masked contact the code went to.")


# Dependencies ---------------------------------------------------------------------------


def chat(request: Request) -> ChatService:
    return request.app.state.chat


def records(request: Request) -> AgentRecords:
    return request.app.state.console_records


def cookies(request: Request) -> ConsoleCookie:
    return request.app.state.console_cookie


def _same_origin(request: Request) -> None:
    """State changes come only from the console's own pages (with SameSite=Strict)."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise ApiError(403, "agent_only")


def _set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        cookies(request).make(token),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=COOKIE_PATH,
    )


async def _agent_from_cookie(request: Request, value: str | None) -> Agent:
    token = cookies(request).token(value)
    if token is None:
        raise ApiError(401, "agent_unauthenticated")
    try:
        agent = await records(request).agent(token)
    except RecordsUnavailable:
        raise ApiError(503, "records_unavailable") from None
    if agent is None:
        # A patient's session or a professional's key is not an agent: same answer as none.
        raise ApiError(401, "agent_unauthenticated")
    return agent


async def current_agent(
    request: Request, mes_console: Annotated[str | None, Cookie()] = None
) -> Agent:
    """The agent, without counting this call as activity (the queue polls every second)."""
    return await _agent_from_cookie(request, mes_console)


async def acting_agent(
    request: Request, response: Response, mes_console: Annotated[str | None, Cookie()] = None
) -> Agent:
    """The agent doing something: their inactivity clock starts again."""
    _same_origin(request)
    agent = await _agent_from_cookie(request, mes_console)
    _set_cookie(request, response, agent.token)
    return agent


async def _audit(request: Request, agent: Agent, conversation_id: str, action: str) -> None:
    try:
        await records(request).record_event(agent, conversation_id, action)
    except RecordsUnavailable:
        raise ApiError(503, "records_unavailable") from None
    except RecordsRefused as exc:
        if exc.status == 401:
            raise ApiError(401, "agent_unauthenticated") from None
        raise ApiError(403, "agent_only") from None


def _ticket(request: Request, ticket: str) -> HelplineTicket:
    found = chat(request).store.helpline_by_ticket(ticket)
    if found is None:
        raise ApiError(404, "helpline_ticket_not_found")
    conversation = chat(request).store.get(found.conversation_id)
    if conversation is None or conversation.handoff not in ("requested", "active"):
        raise ApiError(404, "helpline_ticket_not_found")
    return found


# Rendering ------------------------------------------------------------------------------


def _item(
    ticket: HelplineTicket, channel: str, handoff: str, last: str | None, agent: Agent
) -> dict[str, Any]:
    return {
        "ticket": ticket.ticket,
        "channel": channel,
        "handoff": handoff,
        "requested_at": ticket.requested_at,
        "waiting_seconds": max(0, int(time.time() - ticket.requested_at)),
        "last_user_text": last,
        "taken_by": ticket.agent_name if ticket.agent_id else None,
        "taken_by_me": ticket.agent_id == agent.agent_id,
    }


def _message(message: StoredMessage) -> dict[str, Any]:
    """A history message for the agent: no audio path, no conversation id."""
    out: dict[str, Any] = {
        "id": message.id,
        "from": message.sender,
        "text": message.body.get("text", ""),
        "created_at": message.created_at,
    }
    for key in ("masked", "agent_name"):
        if message.body.get(key) is not None:
            out[key] = message.body[key]
    return out


def _ticket_view(request: Request, ticket: HelplineTicket, agent: Agent) -> dict[str, Any]:
    store = chat(request).store
    conversation = store.get(ticket.conversation_id)
    assert conversation is not None
    history = store.messages(ticket.conversation_id)
    last = next((m.body.get("text") for m in reversed(history) if m.sender == "user"), None)
    view = _item(ticket, conversation.channel, conversation.handoff, last, agent)
    view["messages"] = [_message(m) for m in history]
    return view


# Session --------------------------------------------------------------------------------


@router.post("/session", response_model=AgentOut)
async def login(body: LoginIn, request: Request, response: Response) -> dict[str, Any]:
    """Log in with the helpline account (records checks it); sets the console cookie."""
    _same_origin(request)
    try:
        agent = await records(request).login(body.login, body.password)
    except RecordsUnavailable:
        raise ApiError(503, "records_unavailable") from None
    except RecordsRefused as exc:
        if exc.status == 429:
            raise ApiError(429, "agent_too_many_attempts") from None
        raise ApiError(401, "agent_wrong_credentials") from None
    _set_cookie(request, response, agent.token)
    return {"display_name": agent.display_name}


@router.get("/session", response_model=AgentOut)
async def who(agent: Agent = Depends(current_agent)) -> dict[str, Any]:
    """The logged-in agent (401 after logout, inactivity, or for anyone but an agent)."""
    return {"display_name": agent.display_name}


@router.delete("/session", status_code=204)
async def logout(request: Request, agent: Agent = Depends(acting_agent)) -> Response:
    """Log out: records ends the agent's session and the cookie is removed."""
    try:
        await records(request).logout(agent.token)
    except RecordsUnavailable:
        raise ApiError(503, "records_unavailable") from None
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


# Queue and lookup -----------------------------------------------------------------------


@router.get("/queue", response_model=list[QueueItem])
async def queue(request: Request, agent: Agent = Depends(current_agent)) -> list[dict[str, Any]]:
    """Conversations that asked for a person, oldest first (the console polls it)."""
    return [
        _item(ticket, channel, "active" if ticket.agent_id else "requested", last, agent)
        for ticket, channel, last in chat(request).store.helpline_queue()
    ]


@router.post("/lookup", response_model=LookupOut)
async def lookup(
    body: LookupIn, request: Request, agent: Agent = Depends(acting_agent)
) -> dict[str, Any]:
    """Find a caller's conversation by the short code they read out.

    Codes live a short time and each agent may try only a few wrong codes in a while, so a
    code cannot be guessed in a useful number of tries.
    """
    settings = request.app.state.settings
    store = chat(request).store
    since = time.time() - settings.helpline_lookup_window_seconds
    if store.count_code_lookups(agent.agent_id, since, found=False) >= (
        settings.helpline_lookup_max_failures
    ):
        raise ApiError(429, "helpline_too_many_lookups")
    code = "".join(ch for ch in body.code if ch.isdigit())
    found = store.helpline_by_code(code) if code else None
    store.add_code_lookup(agent.agent_id, found is not None)
    if found is None:
        raise ApiError(404, "helpline_code_unknown")
    return {"ticket": found.ticket}


# One conversation -----------------------------------------------------------------------


@router.get("/tickets/{ticket}", response_model=TicketOut, response_model_exclude_none=True)
async def transcript(
    ticket: str, request: Request, agent: Agent = Depends(acting_agent)
) -> dict[str, Any]:
    """The transcript (secrets masked as in the history). Recorded as read by this agent."""
    found = _ticket(request, ticket)
    await _audit(request, agent, found.conversation_id, "read")
    return _ticket_view(request, found, agent)


@router.get(
    "/tickets/{ticket}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(
    ticket: str,
    request: Request,
    agent: Agent = Depends(current_agent),
    last_event_id: Annotated[str | None, Header()] = None,
    after: int = 0,
) -> StreamingResponse:
    """Server-sent events: `message` (a ConsoleMessage) and `ticket` (a QueueItem).

    Opening the stream counts as reading the transcript. It ends after the console's
    inactivity time; the browser then opens it again with its fresh cookie.
    """
    found = _ticket(request, ticket)
    await _audit(request, agent, found.conversation_id, "read")
    service = chat(request)
    settings = request.app.state.settings
    if last_event_id and last_event_id.isdigit():
        after = int(last_event_id)  # a reconnecting EventSource gets only what it missed
    cid = found.conversation_id
    ends_at = time.monotonic() + settings.console_idle_seconds

    def ticket_event() -> dict[str, Any] | None:
        current = service.store.helpline(cid)
        conversation = service.store.get(cid)
        if current is None or conversation is None or current.ticket != ticket:
            return None
        return {
            "event": "ticket",
            "data": _item(current, conversation.channel, conversation.handoff, None, agent),
        }

    async def stream() -> AsyncIterator[str]:
        queue = service.broker.subscribe(cid)
        try:
            last = after
            yield "retry: 2000\n\n"
            for message in service.store.messages(cid, after_id=after):
                last = message.id
                yield sse_format({"event": "message", "data": _message(message)}, last)
            state = ticket_event()
            yield sse_format(state or {"event": "closed", "data": {}})
            while state is not None and time.monotonic() < ends_at:
                try:
                    event = await asyncio.wait_for(queue.get(), settings.sse_keepalive_seconds)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event["event"] == "message":
                    stored = service.store.message(cid, event["data"]["id"])
                    if stored is None or stored.id <= last:
                        continue
                    last = stored.id
                    yield sse_format({"event": "message", "data": _message(stored)}, last)
                else:
                    state = ticket_event()
                    yield sse_format(state or {"event": "closed", "data": {}})
        finally:
            service.broker.unsubscribe(cid, queue)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.put("/tickets/{ticket}/agent", response_model=TicketOut, response_model_exclude_none=True)
async def take_over(
    ticket: str, request: Request, agent: Agent = Depends(acting_agent)
) -> dict[str, Any]:
    """Take the conversation: the assistant pauses, the person is told the agent's first
    name. One agent at a time: 409 `helpline_taken` when another agent has it."""
    found = _ticket(request, ticket)
    if found.agent_id and found.agent_id != agent.agent_id:
        raise ApiError(409, "helpline_taken")
    await _audit(request, agent, found.conversation_id, "take_over")
    try:
        await chat(request).set_handoff(
            found.conversation_id, True, agent_id=agent.agent_id, agent_name=agent.first_name
        )
    except HandoffTaken:
        raise ApiError(409, "helpline_taken") from None
    return _ticket_view(request, _ticket(request, ticket), agent)


@router.delete("/tickets/{ticket}/agent", status_code=204)
async def hand_back(ticket: str, request: Request, agent: Agent = Depends(acting_agent)) -> None:
    """Hand back to the assistant: it answers the person's next message, the person is told."""
    found = _ticket(request, ticket)
    if found.agent_id != agent.agent_id:
        raise ApiError(409, "helpline_not_taken")
    await _audit(request, agent, found.conversation_id, "hand_back")
    try:
        await chat(request).set_handoff(found.conversation_id, False, agent_id=agent.agent_id)
    except HandoffTaken:
        raise ApiError(409, "helpline_not_taken") from None


@router.post(
    "/tickets/{ticket}/messages",
    response_model=ConsoleMessage,
    response_model_exclude_none=True,
    status_code=201,
)
async def agent_message(
    ticket: str, body: AgentMessageIn, request: Request, agent: Agent = Depends(acting_agent)
) -> dict[str, Any]:
    """What the agent writes reaches the person on their own channel."""
    found = _ticket(request, ticket)
    if found.agent_id != agent.agent_id:
        raise ApiError(409, "helpline_not_taken")
    await _audit(request, agent, found.conversation_id, "message")
    pushed = await chat(request).push(found.conversation_id, "agent", body.text, agent.first_name)
    stored = chat(request).store.message(found.conversation_id, pushed["id"])
    assert stored is not None
    return _message(stored)


@router.post("/tickets/{ticket}/activation", response_model=ActivationOut, status_code=201)
async def start_activation(
    ticket: str, body: ActivationIn, request: Request, agent: Agent = Depends(acting_agent)
) -> Any:
    """Start the person's activation "with a professional" (records keeps this agent as the
    helper) and send the first code to the person's own phone or mailbox. The person is asked
    to type it in their conversation: it goes to records, never to the agent, who sees only
    whether it was right."""
    found = _ticket(request, ticket)
    if found.agent_id != agent.agent_id:
        raise ApiError(409, "helpline_not_taken")
    await _audit(request, agent, found.conversation_id, "activation")
    client = records(request)
    try:
        started = await client.start_activation(
            agent,
            {
                "birth_date": body.birth_date,
                "vitale_serial": body.vitale_serial,
                "mode": "professional",
            },
        )
        sent = await client.send_activation_code(agent, started["activation_id"], body.channel)
    except RecordsUnavailable:
        raise ApiError(503, "records_unavailable") from None
    except RecordsRefused as exc:
        # Records' own easy-to-read error (wrong birth date, unknown card...).
        return JSONResponse(
            {"error": {"code": exc.code, "message": exc.message}}, status_code=exc.status
        )
    # The person types the code in their own conversation: it goes to records by the secret
    # path, the agent sees only that it was sent and whether it was right.
    request_code = {"purpose": "activation_code", "activation_id": str(started["activation_id"])}
    try:
        await chat(request).agent_asks_secret(found.conversation_id, request_code)
    except HandoffTaken:
        raise ApiError(409, "helpline_not_taken") from None
    return {
        "activation_id": started["activation_id"],
        "step": sent.get("step", started.get("step", "")),
        "sent_to": sent.get("sent_to"),
    }
