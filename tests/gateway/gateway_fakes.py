"""Local fake Rasa and records servers speaking the real HTTP protocols, for gateway tests.

They run in a thread with uvicorn, like the real services, so the gateway talks real HTTP
to them. The end-to-end suite (tests/e2e) runs the same flows against the real processes.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

# tests/ on the path: the shared helpers of tests/support (one server thread for every fake).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.servers import ServerThread, free_port  # noqa: E402, F401 - re-exported to tests


@dataclass
class FakeRasa:
    """Rasa's REST channel, /status, /conversations/{id}/tracker; and the action server's
    /health (the gateway asks it when Rasa answers nothing)."""

    received: list[tuple[str, str]] = field(default_factory=list)
    # The metadata of each received message, in the same order.
    metadata: list[dict[str, Any] | None] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delay: float = 0.0
    actions_up: bool = True

    def reset(self) -> None:
        self.received.clear()
        self.metadata.clear()
        self.events.clear()
        self.delay = 0.0
        self.actions_up = True

    def messages_for(self, sender: str) -> list[str]:
        return [m for s, m in self.received if s == sender]

    def answer(self, message: str) -> list[dict[str, Any]]:
        if message == "bonjour":
            return [
                {
                    "text": "Bonjour !\nQue voulez-vous faire ?",
                    "buttons": [
                        {"title": "Noter un rendez-vous", "payload": "/book_appointment"},
                        {"title": "Créer mon espace", "payload": "/create_account"},
                    ],
                },
                {"custom": {"pictogram": "help"}},
            ]
        if message == "/book_appointment":
            return [{"text": "Avec quel professionnel ?"}, {"custom": {"pictogram": "calendar"}}]
        if message in ("/create_account", "code"):
            return [
                {"text": "Écrivez le code reçu par SMS."},
                {
                    "custom": {
                        "secret_input": {"purpose": "activation_code", "activation_id": "act1"}
                    }
                },
            ]
        if message == "connexion":
            request = {"purpose": "login_password", "identifier": "jeanmartin1", "channel": "sms"}
            return [{"text": "Écrivez votre mot de passe."}, {"custom": {"secret_input": request}}]
        if message.startswith("/secret_ok"):
            purpose = json.loads(message.removeprefix("/secret_ok"))["secret_purpose"]
            if purpose == "login_password":
                return [
                    {"text": "Écrivez le code reçu par SMS."},
                    {"custom": {"secret_input": {"purpose": "login_code"}}},
                ]
            return [{"text": "C'est bon."}]
        if message.startswith("/secret_failed"):
            failure = json.loads(message.removeprefix("/secret_failed"))
            if failure["secret_error"] == "wrong_code":  # Rasa asks a wrong code again
                request = {"purpose": failure["secret_purpose"], "activation_id": "act1"}
                return [
                    {"text": "Ce code ne marche pas."},
                    {"text": "Écrivez le code de nouveau."},
                    {"custom": {"secret_input": request}},
                ]
            return [{"text": "Ce code ne marche pas."}]
        if message == "stop":
            return [{"text": "D'accord, j'arrête."}]
        if message in ("je me déconnecte", "déconnexion"):
            return [{"text": "Vous êtes déconnecté."}, {"custom": {"logout": True}}]
        if message == "lis-moi":
            return [{"text": "Je lis les messages à voix haute."}, {"custom": {"voice": True}}]
        if message == "humain":
            return [{"text": "Je cherche une personne."}, {"custom": {"handoff": True}}]
        if message in ("certificat", "certificat inconnu"):
            kind = "vaccination_certificate" if message == "certificat" else "bank_statement"
            return [
                {"text": "Voici le certificat de vaccination."},
                {"custom": {"download": {"kind": kind, "person_id": "child-1"}}},
            ]
        if message == "silence":
            return []
        return [{"text": f"Vous avez écrit : {message}"}]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> JSONResponse:
            body = await request.json()
            sender, message = body["sender"], body["message"]
            if self.delay:
                await asyncio.sleep(self.delay)
            self.received.append((sender, message))
            self.metadata.append(body.get("metadata"))
            events = self.events.setdefault(sender, [])
            events.append({"event": "user", "text": message, "timestamp": time.time()})
            answers = self.answer(message)
            for answer in answers:  # the tracker keeps what the bot said, as Rasa's does
                data = {k: v for k, v in answer.items() if k != "text"}
                events.append(
                    {
                        "event": "bot",
                        "text": answer.get("text"),
                        "data": data,
                        "timestamp": time.time(),
                    }
                )
            return JSONResponse([{"recipient_id": sender, **a} for a in answers])

        @app.get("/status")
        async def status() -> dict[str, str]:
            return {"model_file": "fake.tar.gz", "model_id": "fake"}

        @app.get("/conversations/{sender}/tracker")
        async def tracker(sender: str) -> dict[str, Any]:
            return {"sender_id": sender, "events": self.events.get(sender, [])}

        @app.get("/health")
        async def health() -> JSONResponse:
            if not self.actions_up:
                return JSONResponse({"status": "down"}, status_code=503)
            return JSONResponse({"status": "ok"})

        return app


ERROR_STATUS = {"wrong_credentials": 401, "too_many_attempts": 429, "code_expired": 410}


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": "Phrase."}}, status_code=status)


@dataclass
class FakeRecords:
    """The account routes of docs/contracts.md that the secret path calls."""

    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    failing: bool = False
    # Every secret route answers this error code (status from ERROR_STATUS) when set.
    fail_with: str | None = None
    client_addresses: list[tuple[str, str | None]] = field(default_factory=list)
    # Conversation id -> the bearer its live link was made with (records refuses another).
    links: dict[str, str] = field(default_factory=dict)

    def reset(self) -> None:
        self.links.clear()
        self.calls.clear()
        self.failing = False
        self.fail_with = None
        self.client_addresses.clear()

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def record(request: Request, call_next: Any) -> Any:
            if self.failing:
                return JSONResponse({"detail": "boom"}, status_code=503)
            body = await request.body()
            self.client_addresses.append(
                (request.url.path, request.headers.get("x-client-address"))
            )
            secret_route = request.url.path.startswith(("/activations/", "/auth/login"))
            if self.fail_with and secret_route:
                self.calls.append((request.url.path, json.loads(body or b"{}"), ""))
                return _error(ERROR_STATUS.get(self.fail_with, 400), self.fail_with)
            self.calls.append(
                (
                    request.url.path,
                    json.loads(body or b"{}"),
                    request.headers.get("authorization", ""),
                )
            )
            return await call_next(request)

        @app.post("/activations/{activation_id}/code/verify")
        async def verify(activation_id: str, request: Request) -> JSONResponse:
            body = await request.json()
            if body.get("code") != "123456":
                return _error(400, "wrong_code")
            return JSONResponse({"step": "contacts", "contacts": {"phone": "0600000000"}})

        @app.post("/activations/{activation_id}/credentials")
        async def credentials(activation_id: str) -> JSONResponse:
            return JSONResponse({"step": "final_code", "sent_to": "06 •• •• •• 12"})

        @app.post("/activations/{activation_id}/confirm")
        async def confirm(activation_id: str, request: Request) -> JSONResponse:
            if (await request.json()).get("code") != "654321":
                return _error(400, "wrong_code")
            return JSONResponse(
                {
                    "token": "tok-activation",
                    "expires_at": "2030-01-01T00:00:00+01:00",
                    "user_id": "u1",
                },
                status_code=201,
            )

        @app.post("/auth/login")
        async def login(request: Request) -> JSONResponse:
            body = await request.json()
            if body.get("identifier") != "jeanmartin1" or body.get("password") != "Secret!234":
                return _error(401, "wrong_credentials")
            return JSONResponse({"challenge_id": "ch-1", "sent_to": "06 •• •• •• 12"})

        @app.post("/auth/login/{challenge_id}/verify")
        async def login_verify(challenge_id: str, request: Request) -> JSONResponse:
            if challenge_id != "ch-1" or (await request.json()).get("code") != "111111":
                return _error(400, "wrong_code")
            return JSONResponse({"token": "tok-login", "expires_at": "2030-01-01T00:00:00+01:00"})

        @app.post("/assistant/links")
        async def link(request: Request) -> JSONResponse:
            if request.headers.get("authorization") not in (
                "Bearer tok-login",
                "Bearer tok-activation",
            ):
                return _error(401, "unauthenticated")
            body = await request.json()
            bearer = request.headers["authorization"]
            if self.links.get(body["conversation_id"], bearer) != bearer:
                return _error(409, "conversation_linked_elsewhere")
            self.links[body["conversation_id"]] = bearer
            return JSONResponse(
                {
                    "conversation_id": body["conversation_id"],
                    "expires_at": "2030-01-01T12:00:00+01:00",
                },
                status_code=201,
            )

        @app.post("/auth/logout")
        async def logout(request: Request) -> Response:
            if not request.headers.get("authorization", "").startswith("Bearer tok-"):
                return _error(401, "unauthenticated")
            return Response(status_code=204)

        @app.get("/me/export/vaccination-certificate")
        async def certificate(request: Request) -> Response:
            # Records answers for a linked conversation only (docs/contracts.md).
            conversation = request.headers.get("x-conversation-id", "")
            if conversation not in self.links:
                return _error(401, "conversation_not_linked")
            if request.query_params.get("person_id") != "child-1":
                return _error(404, "not_found")
            return Response(b"%PDF-1.4 certificate", media_type="application/pdf")

        @app.delete("/assistant/links/{conversation_id}")
        async def unlink(conversation_id: str) -> Response:
            self.links.pop(conversation_id, None)
            return Response(status_code=204)

        return app


class RecordingChannel:
    """An outbound channel (bot/channels/base.py) that records what it was given.

    `failures` makes the next deliveries raise DeliveryError, as a channel whose provider is
    unreachable would; `tries` counts every call.
    """

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.batches: list[tuple[str, list[dict[str, Any]]]] = []
        self.failures = 0
        self.tries = 0

    async def deliver(self, conversation: Any, messages: list[dict[str, Any]]) -> None:
        from bot.channels.base import DeliveryError

        self.tries += 1
        if self.failures:
            self.failures -= 1
            raise DeliveryError("provider unreachable")
        self.batches.append((conversation.id, messages))

    def texts(self, conversation_id: str | None = None) -> list[list[str]]:
        return [
            [m["text"] for m in batch]
            for cid, batch in self.batches
            if conversation_id is None or cid == conversation_id
        ]


async def eventually(predicate: Any, timeout: float = 5.0) -> object:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")
