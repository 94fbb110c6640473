"""A local Telegram Bot API server for tests (python-telegram-bot's `base_url` points here).

It speaks the real HTTP protocol of the methods the gateway uses and records every call, so a
test asserts what the person would have seen. `fail(method, ...)` makes the next calls of a
method answer an error (e.g. 429 with `retry_after`), `push_update` feeds `getUpdates`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456:TEST-fake-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Assistant", "username": "mes_test_bot"}
STRUCTURED = ("reply_markup", "commands", "allowed_updates")


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.files: list[bytes] = []
        self.updates: list[dict[str, Any]] = []
        self.failures: dict[str, list[dict[str, Any] | None]] = {}
        self._ids = itertools.count(5000)
        self._update_ids = itertools.count(900000)
        self._lock = threading.Lock()

    # What a test sets up -------------------------------------------------------------------

    def fail(self, method: str, code: int, description: str, retry_after: int | None = None,
             times: int = 1, after: int = 0) -> None:  # fmt: skip
        """The next `times` calls of `method` fail, once `after` calls went through."""
        error: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            error["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self.failures.setdefault(method, []).extend([None] * after + [error] * times)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.files.clear()
            self.updates.clear()
            self.failures.clear()

    def message(self, chat_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
        }
        if text is not None:
            body["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        body.update(extra)
        return body

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), "message": self.message(chat_id, text)}

    def media_update(self, chat_id: int, kind: str) -> dict[str, Any]:
        media = {
            "voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 2},
            "photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 9, "height": 9}],
            "sticker": {
                "file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 9,
                "height": 9, "is_animated": False, "is_video": False,
            },
            "document": {"file_id": "d1", "file_unique_id": "d1", "file_name": "a.pdf"},
        }[kind]  # fmt: skip
        message = self.message(chat_id, **{kind: media})
        return {"update_id": next(self._update_ids), "message": message}

    def press_update(self, chat_id: int, data: str, message_id: int) -> dict[str, Any]:
        shown = self.message(chat_id, "…")
        shown["message_id"] = message_id
        shown["from"] = BOT_USER
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._ids)),
                "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
                "chat_instance": "ci",
                "message": shown,
                "data": data,
            },
        }

    def push_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append(update)

    # What a test reads ---------------------------------------------------------------------

    def sent(self, method: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            calls = list(self.calls)
        return [
            params
            for name, params in calls
            if name == method and (chat_id is None or str(params.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [str(p.get("text", "")) for p in self.sent("sendMessage", chat_id)]

    def wait_for(self, check: Any, timeout: float = 30.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = check()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"Telegram never got {what or 'the expected call'}: {self.calls}")

    def wait_texts(self, chat_id: int, count: int, timeout: float = 30.0) -> list[str]:
        """The chat's texts once there are at least `count` of them."""
        self.wait_for(lambda: len(self.texts(chat_id)) >= count, timeout, f"{count} texts")
        time.sleep(0.3)  # the rest of the same batch
        return self.texts(chat_id)

    # The server ----------------------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"]),
            ]
        )

    async def _params(self, request: Request) -> dict[str, Any]:
        kind = request.headers.get("content-type", "")
        if "json" in kind:
            body = await request.body()
            return json.loads(body) if body else {}
        params: dict[str, Any] = {}
        form = await request.form()
        for key, value in form.multi_items():
            if hasattr(value, "read"):
                content = await value.read()
                with self._lock:
                    self.files.append(content)
                params[key] = {"file_index": len(self.files) - 1, "size": len(content)}
            elif key in STRUCTURED:
                params[key] = json.loads(value)
            else:
                params[key] = value
        return params

    async def _handle(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            refused = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return JSONResponse(refused, 401)
        method = request.path_params["method"]
        params = await self._params(request)
        with self._lock:
            self.calls.append((method, params))
            queued = self.failures.get(method)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            return JSONResponse(failure, status_code=failure["error_code"])
        if method == "getUpdates":
            return JSONResponse({"ok": True, "result": await self._updates(params)})
        result = self._result(method, params)
        if isinstance(result, dict) and "message_id" in result:
            params["sent_message_id"] = result["message_id"]  # what a press refers to
        return JSONResponse({"ok": True, "result": result})

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.05)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        chat_id = int(params.get("chat_id") or 0)
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            sent = self.message(chat_id, str(params.get("text", "")), **{"from": BOT_USER})
            if params.get("reply_markup"):
                sent["reply_markup"] = params["reply_markup"]
            return sent
        if method == "sendVoice":
            voice = {"file_id": "vo", "file_unique_id": "vo", "duration": 1}
            return self.message(chat_id, voice=voice, **{"from": BOT_USER})
        if method == "editMessageReplyMarkup":
            edited = self.message(chat_id, "…", **{"from": BOT_USER})
            edited["message_id"] = int(params.get("message_id") or 0)
            return edited
        return True
