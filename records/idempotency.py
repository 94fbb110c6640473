"""Idempotent writes: a write sent again with the same `Idempotency-Key` gets the first answer.

The assistant sends a key on every write (`<conversation>:<message id>:<action>`), so a
message the gateway or Rasa sends again never changes the record twice. The answer is kept per
caller (its bearer token and conversation), method and path, for KEEP_SECONDS. A retry that
arrives while the first request still runs waits for its answer. Only hashes of the token and
the key are stored; server errors (5xx) and rate limits (429) are not kept, so they can be
tried again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from records import clock
from records.db import Database
from records.errors import error_body
from records.models.idempotency import IdempotentAnswer

log = logging.getLogger("records.idempotency")

HEADER = b"idempotency-key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEEP_SECONDS = 24 * 3600
# How long a retry waits for the first request with its key to finish.
WAIT_SECONDS = 10.0
MAX_KEY_LENGTH = 300
# A first request still marked running after this long died with its process: start again.
STALE_SECONDS = 120


class Idempotency:
    def __init__(self, app: ASGIApp, database: Database | None = None) -> None:
        self.app = app
        self._database = database

    def database(self, scope: Scope) -> Database:
        if self._database is not None:
            return self._database
        return scope["app"].state.db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        raw_key = headers.get(HEADER)
        if not raw_key:
            await self.app(scope, receive, send)
            return
        if len(raw_key) > MAX_KEY_LENGTH:
            await JSONResponse(error_body("invalid_request"), status_code=400)(scope, receive, send)
            return
        # The whole body is read here to tell a true retry from a new request with an old key.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        key = _digest(
            headers.get(b"authorization", b""),
            headers.get(b"x-conversation-id", b""),
            scope["method"].encode(),
            scope["path"].encode(),
            raw_key,
        )
        request_hash = hashlib.sha256(body).hexdigest()
        database = self.database(scope)

        stored = await self._reserve_or_wait(database, key, request_hash)
        if stored is not None:
            await stored(scope, receive, send)
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status: int | None = None
        content_type: str | None = None
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay, keep)
        finally:
            if status is not None and status < 500 and status != 429:
                await run_in_threadpool(
                    _finish, database, key, status, content_type, b"".join(parts)
                )
            else:
                await run_in_threadpool(_release, database, key)

    async def _reserve_or_wait(
        self, database: Database, key: str, request_hash: str
    ) -> Response | None:
        """None when this request is the first with its key (reserved); else the answer."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            row = await run_in_threadpool(_reserve, database, key, request_hash)
            if row is None:
                return None
            if row.request_hash != request_hash:
                return JSONResponse(error_body("idempotency_key_reused"), status_code=422)
            if row.status is not None:
                headers = {"Idempotent-Replay": "true"}
                media = row.content_type or "application/json"
                if row.status == 204:
                    return Response(status_code=204, headers=headers)
                return Response(row.body or b"", row.status, headers, media_type=media)
            if time.monotonic() >= deadline:
                return JSONResponse(error_body("idempotency_in_progress"), status_code=409)
            await asyncio.sleep(0.1)


def _digest(*parts: bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(hashlib.sha256(part).digest())
    return hashed.hexdigest()


def _reserve(database: Database, key: str, request_hash: str) -> IdempotentAnswer | None:
    """Insert the running marker; the row already there when another request has the key."""
    now = clock.now()
    with database.session() as session:
        existing = session.get(IdempotentAnswer, key)
        if existing is not None:
            age = now - existing.created_at
            running = existing.status is None
            if age < timedelta(seconds=STALE_SECONDS if running else KEEP_SECONDS):
                return existing
        if existing is not None:
            session.delete(existing)  # expired or abandoned: the key may be used again
            session.flush()
        session.add(IdempotentAnswer(key=key, request_hash=request_hash, created_at=now))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return session.execute(
                select(IdempotentAnswer).where(IdempotentAnswer.key == key)
            ).scalar_one_or_none()
        # Old answers go as new ones come (no separate job).
        session.execute(
            delete(IdempotentAnswer).where(
                IdempotentAnswer.created_at < now - timedelta(seconds=KEEP_SECONDS)
            )
        )
        session.commit()
    return None


def _finish(
    database: Database, key: str, status: int, content_type: str | None, body: bytes
) -> None:
    with database.session() as session:
        row = session.get(IdempotentAnswer, key)
        if row is not None:
            row.status = status
            row.content_type = content_type
            row.body = body
            session.commit()


def _release(database: Database, key: str) -> None:
    """The write failed on the server's side: a retry may try it again."""
    with database.session() as session:
        session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.key == key))
        session.commit()
