"""The widget's chat API (docs/contracts.md "Gateway chat API"), documented in /docs."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from bot.chat import DOWNLOADS, ChatService, sse_format
from bot.errors import ApiError
from bot.secrets import RecordsUnavailable

router = APIRouter(prefix="/api", tags=["chat"])


class Button(BaseModel):
    title: str
    payload: str


class SecretInput(BaseModel):
    purpose: str
    kind: Literal["code", "password"]


class Download(BaseModel):
    kind: Literal["vaccination_certificate"]
    url: str = Field(description="GET it for the file (PDF, as an attachment).")


class ChatMessage(BaseModel):
    id: int
    from_: Literal["user", "bot", "agent", "system"] = Field(alias="from")
    text: str
    buttons: list[Button] = []
    pictogram: str | None = None
    secret_input: SecretInput | None = Field(
        None, description="The user's next input is a secret: show a masked field."
    )
    masked: bool | None = Field(None, description="A user message that stood for a secret.")
    agent_name: str | None = None
    audio_url: str | None = Field(None, description="Present when voice is on: play it at once.")
    audio_path: str | None = Field(None, description="Where the play button fetches the audio.")
    download: Download | None = Field(None, description="A file the message hands over.")
    created_at: float


class ConversationState(BaseModel):
    conversation_id: str
    voice: bool
    secret_input: SecretInput | None
    handoff: Literal["none", "requested", "active"]
    waiting: bool = Field(description="Some messages wait for the service to come back.")


class ConversationOut(ConversationState):
    messages: list[ChatMessage]


class MessageIn(BaseModel):
    text: str | None = Field(None, description="What the user typed, or the chosen button's title.")
    payload: str | None = Field(None, description="The payload of the button the user chose.")


class MessageOut(BaseModel):
    user_message: ChatMessage
    messages: list[ChatMessage] = Field(description="Answers produced while handling it.")
    queued: bool = Field(description="Rasa is unreachable: the message waits in the queue.")


class VoiceIn(BaseModel):
    enabled: bool


def chat(request: Request) -> ChatService:
    return request.app.state.chat


def _networks(trusted: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in trusted.replace(";", ",").split(","):
        if item.strip():
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
    return networks


def _is_trusted(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: Request, trusted_proxies: str) -> str:
    """The person's address: the socket's peer, or, when that peer is a trusted proxy, the
    rightmost X-Forwarded-For address that is not one of them (a client may prepend any)."""
    peer = request.client.host if request.client else ""
    networks = _networks(trusted_proxies)
    if not networks or not _is_trusted(peer, networks):
        return peer
    for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: trust only what we saw
        if not _is_trusted(hop, networks):
            return hop
    return peer


def _limit(request: Request, limiter_name: str) -> str:
    """Count this request against the client address; 429 past the limit."""
    address = client_address(request, request.app.state.settings.trusted_proxies)
    limiter = getattr(request.app.state, limiter_name)
    wait = limiter.take(address)
    if wait:
        headers = {"Retry-After": limiter.retry_after(wait)}
        raise ApiError(429, "too_many_requests", headers)
    return address


def _conversation(service: ChatService, conversation_id: str):
    conversation = service.store.get(conversation_id)
    if conversation is None:
        raise ApiError(404, "conversation_not_found")
    return conversation


@router.post(
    "/conversations",
    status_code=201,
    response_model=ConversationOut,
    response_model_exclude_none=True,
)
async def create_conversation(request: Request) -> dict[str, Any]:
    """Start a conversation. Its id is the only credential of the widget: keep it private."""
    _limit(request, "conversation_limiter")
    service = chat(request)
    conversation = service.store.create(channel="web")
    return {**service.state(conversation), "messages": []}


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationOut,
    response_model_exclude_none=True,
)
async def get_conversation(conversation_id: str, request: Request) -> dict[str, Any]:
    """The state and the history of a conversation (the widget calls it after a reload)."""
    service = chat(request)
    conversation = _conversation(service, conversation_id)
    history = [service.render(m, conversation) for m in service.store.messages(conversation_id)]
    return {**service.state(conversation), "messages": history}


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageOut,
    response_model_exclude_none=True,
)
async def post_message(conversation_id: str, body: MessageIn, request: Request) -> dict[str, Any]:
    """Send a message. Answers come back here and on the event stream.

    When the user must type a secret (the last answer had `secret_input`), the text goes
    to the record service and never to Rasa nor into the history.
    """
    address = _limit(request, "message_limiter")
    service = chat(request)
    _conversation(service, conversation_id)
    text = body.text or ""
    # Only control characters is not empty: ChatService answers it (nothing_to_read).
    if not text.strip() and not body.payload:
        raise ApiError(422, "empty_message")
    limit = request.app.state.settings.max_message_chars
    if len(text) > limit or len(body.payload or "") > limit:
        raise ApiError(422, "message_too_long")
    return await service.user_message(conversation_id, text, body.payload, client_address=address)


@router.put("/conversations/{conversation_id}/voice", response_model=ConversationState)
async def set_voice(conversation_id: str, body: VoiceIn, request: Request) -> dict[str, Any]:
    """Switch "always read aloud" on or off for this conversation."""
    service = chat(request)
    _conversation(service, conversation_id)
    return await service.set_voice(conversation_id, body.enabled)


@router.get(
    "/conversations/{conversation_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def events(
    conversation_id: str,
    request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
    after: int = 0,
) -> StreamingResponse:
    """Server-sent events: `message` (a ChatMessage) and `state` (a ConversationState).

    Messages carry their id as the event id, so a reconnecting EventSource gets what it missed.
    """
    service = chat(request)
    _conversation(service, conversation_id)
    settings = request.app.state.settings
    try:
        start = int(last_event_id) if last_event_id else after
    except ValueError:
        start = after

    async def stream() -> AsyncIterator[str]:
        queue = service.broker.subscribe(conversation_id)
        try:
            last = start
            yield "retry: 2000\n\n"
            conversation = service.store.get(conversation_id)
            if conversation is None:
                return
            for message in service.store.messages(conversation_id, after_id=start):
                last = message.id
                yield sse_format(
                    {"event": "message", "data": service.render(message, conversation)}, last
                )
            yield sse_format({"event": "state", "data": service.state(conversation)})
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), settings.sse_keepalive_seconds)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"
                    continue
                if event["event"] == "message":
                    if event["data"]["id"] <= last:
                        continue
                    # Read from the store, not the event: with several replicas an earlier
                    # message may be announced after a later one, and none may be skipped.
                    conversation = service.store.get(conversation_id) or conversation
                    for message in service.store.messages(conversation_id, after_id=last):
                        last = message.id
                        yield sse_format(
                            {"event": "message", "data": service.render(message, conversation)},
                            last,
                        )
                else:
                    yield sse_format(event)
        finally:
            service.broker.unsubscribe(conversation_id, queue)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/conversations/{conversation_id}/messages/{message_id}/audio",
    response_class=FileResponse,
    responses={200: {"content": {"audio/mpeg": {}}}},
)
async def message_audio(conversation_id: str, message_id: int, request: Request) -> FileResponse:
    """The message read aloud (MP3), made on first request and cached by text."""
    service = chat(request)
    _conversation(service, conversation_id)
    message = service.store.message(conversation_id, message_id)
    if message is None or message.sender == "user" or not message.body.get("text"):
        raise ApiError(404, "conversation_not_found")
    voice = request.app.state.voice
    if voice is None:
        raise ApiError(503, "audio_unavailable")
    try:
        path = await voice.audio_for(message.body["text"], "mp3")
    except Exception:  # any engine failure becomes the easy-to-read message
        raise ApiError(503, "audio_unavailable") from None
    return FileResponse(
        path, media_type="audio/mpeg", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get(
    "/conversations/{conversation_id}/messages/{message_id}/file",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def message_file(conversation_id: str, message_id: int, request: Request) -> Response:
    """The file a bot message hands over (a child's vaccination certificate), fetched from
    records for this conversation: records checks that it is linked to a logged-in person who
    may read it, and records the access."""
    service = chat(request)
    _conversation(service, conversation_id)
    message = service.store.message(conversation_id, message_id)
    download = message.body.get("download") if message and message.sender == "bot" else None
    if not isinstance(download, dict) or download.get("kind") not in DOWNLOADS:
        raise ApiError(404, "conversation_not_found")
    path, filename = DOWNLOADS[download["kind"]]
    try:
        answer = await service.secrets.fetch_file(
            conversation_id, path, {"person_id": download["person_id"]}
        )
    except RecordsUnavailable:
        raise ApiError(503, "file_unavailable") from None
    if answer.status_code in (401, 403, 404):
        # Logged out since, or no longer allowed: the file is not given.
        raise ApiError(403, "forbidden")
    if answer.status_code != 200:
        raise ApiError(503, "file_unavailable")
    return Response(
        answer.content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
