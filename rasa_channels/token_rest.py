"""Rasa's REST channel, for the gateway only.

`rasa run --auth-token` protects Rasa's HTTP API but not the channel webhooks: with the stock
`rest:` channel anyone reaching Rasa could post as any sender. This channel serves the same
routes (/webhooks/rest/...) and refuses (401) a call without the `token` query parameter that
the HTTP API asks for, compared in constant time. credentials.yml gives it RASA_TOKEN.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse


class TokenRestInput(RestInput):
    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the REST channel needs a token (RASA_TOKEN in credentials.yml)")
        self._expected = token.encode()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(str((credentials or {}).get("token") or ""))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        async def only_the_gateway(request: Request) -> HTTPResponse | None:
            given = (request.args.get("token") or "").encode()
            if hmac.compare_digest(given, self._expected):
                return None
            return response.json({"error": "unauthorized"}, status=401)

        webhook.middleware(only_the_gateway, "request")
        return webhook
