"""A local SMS provider for tests: the Twilio-compatible Messages REST endpoint.

`POST /2010-04-01/Accounts/{sid}/Messages.json` (form To, From, Body; basic auth sid:token)
is recorded; `fail(status, times)` makes the next calls fail. `signed_post` sends an inbound
SMS to the gateway's webhook the way the provider does, signed with the provider's own
algorithm (twilio's RequestValidator).
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "ACtest0000000000000000000000000000"
AUTH_TOKEN = "test-sms-auth-token"
SERVICE_NUMBER = "+33700000000"


class FakeSms:
    def __init__(self, sid: str = ACCOUNT_SID, token: str = AUTH_TOKEN) -> None:
        self.sid = sid
        self.token = token
        self.sent: list[dict[str, Any]] = []
        self.failures: list[int] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def fail(self, status: int, times: int = 1) -> None:
        with self._lock:
            self.failures.extend([status] * times)

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.failures.clear()

    def to(self, phone: str) -> list[str]:
        with self._lock:
            return [m["Body"] for m in self.sent if m["To"] == phone]

    def wait_to(self, phone: str, count: int, timeout: float = 30.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.to(phone)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.1)
        raise AssertionError(f"the provider got {self.to(phone)} for that number")

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/2010-04-01/Accounts/{sid}/Messages.json", self._send, methods=["POST"]),
            ]
        )

    async def _send(self, request: Request) -> JSONResponse:
        expected = "Basic " + base64.b64encode(f"{self.sid}:{self.token}".encode()).decode()
        if request.path_params["sid"] != self.sid or request.headers.get("authorization") != (
            expected
        ):
            return JSONResponse({"code": 20003, "message": "Authenticate"}, 401)
        form = await request.form()
        message = {key: str(value) for key, value in form.items()}
        message["idempotency_key"] = request.headers.get("idempotency-key")
        with self._lock:
            failure = self.failures.pop(0) if self.failures else None
            if failure is None:
                self.sent.append(message)
        if failure is not None:
            return JSONResponse({"code": 20500, "message": "fail"}, failure)
        sid = f"SM{next(self._ids):032d}"
        return JSONResponse({"sid": sid, "status": "queued", **message}, 201)


def signed_post(
    client: httpx.Client,
    webhook_url: str,
    public_url: str,
    params: dict[str, str],
    token: str = AUTH_TOKEN,
    signature: str | None = None,
) -> httpx.Response:
    """POST an inbound SMS to the gateway, signed over the public URL as the provider does."""
    if signature is None:
        signature = RequestValidator(token).compute_signature(public_url, params)
    return client.post(webhook_url, data=params, headers={"X-Twilio-Signature": signature})


_sids = itertools.count(1)


def inbound(phone: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "From": phone,
        "To": SERVICE_NUMBER,
        "Body": body,
        "MessageSid": sid or f"SMin{time.time_ns()}{next(_sids)}",
        "AccountSid": ACCOUNT_SID,
    }
