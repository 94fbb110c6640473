"""The single async client of the records API used by every action.

It acts for one conversation (SPEC §3.5): service token + `X-Conversation-Id`. Safe calls
(GET) are retried once; every call, retries included, ends within the settings' total
timeout, so the user always gets an answer within 3 seconds (SPEC §4.4).
TURN_TIMINGS=1 logs each request's route (identifiers masked) and milliseconds.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import re
import time
from typing import Any

import aiohttp

from actions.settings import Settings, load_settings

logger = logging.getLogger(__name__)
timing_log = logging.getLogger("actions.timing")
# A path segment holding a digit is an identifier (or a date): masked in timing logs.
_ID_SEGMENT = re.compile(r"/[^/]*\d[^/]*")


def route_of(path: str) -> str:
    """The path with its identifiers replaced, e.g. /people/{id}/appointments."""
    return _ID_SEGMENT.sub("/{id}", path)


# The key of the write being made (docs/contracts.md, idempotent writes): set by the action
# server for each action call, "<conversation>:<message id>:<action>".
write_key: contextvars.ContextVar[str | None] = contextvars.ContextVar("write_key", default=None)


def key_for(sender: str, metadata: Any, action: str) -> str | None:
    """The Idempotency-Key of `action`'s writes for the user message with this metadata."""
    message_id = metadata.get("message_id") if isinstance(metadata, dict) else None
    if not sender or not action or message_id in (None, ""):
        return None
    return f"{sender}:{message_id}:{action}"


class RecordsError(Exception):
    """Records answered with an error body `{"error": {"code", "message"}}`."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"records error {status} {code}")
        self.status = status
        self.code = code


class RecordsUnavailable(Exception):
    """Records did not answer in time, or answered with a server error."""


class RecordsClient:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timings = os.environ.get("TURN_TIMINGS", "").strip().lower() in (
            "1",
            "true",
            "yes",
            "on",
        )

    def _get_session(self) -> aiohttp.ClientSession:
        # One session per event loop: the action server has one loop; tests may have several.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(
                    total=self.settings.total_timeout, connect=self.settings.connect_timeout
                )
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def request(
        self,
        method: str,
        path: str,
        conversation_id: str | None,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Call records for the conversation and return the decoded JSON (None for 204).

        A write carries the action's Idempotency-Key when it has one: records answers a
        retry of the same user message with its first answer instead of writing twice, so
        such a write is tried again like a read.
        """
        if not self._timings:
            return await self._request(method, path, conversation_id, json=json, params=params)
        began, outcome = time.perf_counter(), "error"
        try:
            answer = await self._request(method, path, conversation_id, json=json, params=params)
            outcome = "ok"
            return answer
        finally:
            ms = (time.perf_counter() - began) * 1000
            timing_log.info("timing records=%s %s %s ms=%.1f", method, route_of(path), outcome, ms)

    async def _request(
        self,
        method: str,
        path: str,
        conversation_id: str | None,
        *,
        json: dict[str, Any] | None,
        params: dict[str, Any] | None,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.settings.service_token}"}
        if conversation_id:
            headers["X-Conversation-Id"] = conversation_id
        key = write_key.get() if method != "GET" else None
        if key:
            headers["Idempotency-Key"] = key
        clean_params = {
            k: str(v).lower() if isinstance(v, bool) else v
            for k, v in (params or {}).items()
            if v is not None
        }
        attempts = 1 + (self.settings.retries if method == "GET" or key else 0)
        total = self.settings.write_timeout if key else self.settings.total_timeout
        deadline = time.monotonic() + total
        url = f"{self.settings.records_url}{path}"
        for attempt in range(attempts):
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                break
            try:
                async with self._get_session().request(
                    method,
                    url,
                    json=json,
                    params=clean_params,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(
                        total=remaining, connect=min(self.settings.connect_timeout, remaining)
                    ),
                ) as response:
                    if response.status >= 500:
                        logger.warning("records %s %s answered %s", method, path, response.status)
                        raise RecordsUnavailable()
                    if response.status == 204:
                        return None
                    body = await response.json(content_type=None)
                    if response.status >= 400:
                        code = "unknown_error"
                        if isinstance(body, dict) and isinstance(body.get("error"), dict):
                            code = str(body["error"].get("code") or code)
                        raise RecordsError(response.status, code)
                    return body
            except (aiohttp.ClientError, asyncio.TimeoutError, RecordsUnavailable, ValueError):
                # Only the route is logged: no personal data in logs.
                logger.warning("records %s %s failed (attempt %s)", method, path, attempt + 1)
                if attempt + 1 < attempts:
                    await asyncio.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        raise RecordsUnavailable()

    async def get(self, path: str, conversation_id: str | None, **params: Any) -> Any:
        return await self.request("GET", path, conversation_id, params=params)

    async def post(
        self, path: str, conversation_id: str | None, body: dict[str, Any] | None = None
    ) -> Any:
        return await self.request("POST", path, conversation_id, json=body or {})

    async def put(self, path: str, conversation_id: str | None, body: dict[str, Any]) -> Any:
        return await self.request("PUT", path, conversation_id, json=body)

    async def delete(self, path: str, conversation_id: str | None) -> Any:
        return await self.request("DELETE", path, conversation_id)


# The one client of the process (one connection pool).
records = RecordsClient()
