"""Request body size limit, enforced while the body streams in and before anything parses it:
a declared Content-Length above the limit is refused at once, and a body without one (chunked)
is refused as soon as its bytes pass the limit. Document uploads get the 5 MB file plus the
multipart envelope; every other route gets a small JSON limit."""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from records.errors import error_body

# The routes that take a document file (multipart): the person's and a professional's.
UPLOAD_ROUTES = re.compile(r"^/(me|patients/[^/]+)/documents/?$")


class BodyTooLarge(HTTPException):
    """Raised from `receive`: FastAPI lets HTTP exceptions out of its body parsing untouched."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimit:
    def __init__(self, app: ASGIApp, json_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes

    def limit_for(self, method: str, path: str) -> int:
        if method == "POST" and UPLOAD_ROUTES.match(path):
            return self.upload_bytes
        return self.json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send)


async def _refuse(send: Send) -> None:
    # Connection: close, so the server drops the rest of the body instead of reading it.
    response = JSONResponse(
        error_body("body_too_large"), status_code=413, headers={"Connection": "close"}
    )

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response({"type": "http"}, no_body, send)
