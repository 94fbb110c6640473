"""The gateway sends Rasa's token on every call (/status, the tracker, the REST channel), to a
local server that answers like Rasa started with --auth-token: 401 without `?token=`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from gateway_fakes import ServerThread, free_port

from bot.rasa_client import RasaClient

TOKEN = "rasa-token-of-this-test"  # noqa: S105 - test credential


def rasa_with_token() -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def only_the_token_holder(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.query_params.get("token") != TOKEN:
            return JSONResponse({"reason": "NotAuthenticated"}, status_code=401)
        return await call_next(request)

    @app.get("/status")
    async def status() -> dict:
        return {"model_file": "assistant.tar.gz"}

    @app.get("/conversations/{sender}/tracker")
    async def tracker(sender: str) -> dict:
        return {"events": [{"event": "user", "text": "bonjour", "timestamp": 10.0}]}

    @app.post("/webhooks/rest/webhook")
    async def webhook() -> list:
        return [{"text": "Bonjour."}]

    return app


@pytest.fixture(scope="module")
def rasa_url() -> Iterator[str]:
    server = ServerThread(rasa_with_token(), free_port(18300, 18340))
    server.start()
    yield server.url
    server.stop()


async def test_every_call_carries_the_token(rasa_url: str) -> None:
    client = RasaClient(rasa_url, 2.5, TOKEN)
    try:
        assert await client.is_up()
        assert await client.send("conv", "bonjour") == [{"text": "Bonjour."}]
        assert await client.answers_from_tracker("conv", "bonjour", since=10.0) == []
    finally:
        await client.close()


async def test_without_the_right_token_rasa_refuses(rasa_url: str) -> None:
    client = RasaClient(rasa_url, 2.5, "wrong-token")
    try:
        assert not await client.is_up()
        assert await client.send("conv", "bonjour") == []
        assert await client.answers_from_tracker("conv", "bonjour", since=10.0) is None
    finally:
        await client.close()
