"""Who the agent is: checked against records on every console call, never taken from the
browser.

The browser holds records' agent token in an HttpOnly, SameSite=Strict cookie (page scripts
cannot read it, other sites cannot send it, and the console's event stream carries it, which a
bearer header cannot do). The cookie also carries the time of the agent's last action, signed
with a key of the gateway, so the console ends after some minutes without any action even
though the queue polls every second.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx

COOKIE_NAME = "mes_console"


class RecordsUnavailable(Exception):
    """Records did not answer (the console then says so and does nothing)."""


class RecordsRefused(Exception):
    def __init__(self, status: int, code: str, message: str = "") -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message  # records' easy-to-read text


@dataclass(frozen=True)
class Agent:
    agent_id: str
    display_name: str
    token: str

    @property
    def first_name(self) -> str:
        """What the person is told ("Nadia, une personne du 3422, …")."""
        return self.display_name.split()[0] if self.display_name.strip() else "Une personne"


class AgentRecords:
    """Records' routes a console agent uses, always with the agent's own token."""

    def __init__(self, records_url: str, timeout: float) -> None:
        self._base = records_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)))

    async def close(self) -> None:
        await self._client.aclose()

    async def _call(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self._client.request(
                method, self._base + path, json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            raise RecordsUnavailable(type(exc).__name__) from None
        if response.status_code >= 500:
            raise RecordsUnavailable(str(response.status_code))
        return response

    @staticmethod
    def _refused(response: httpx.Response) -> RecordsRefused:
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error.get("message") or "")
        except (ValueError, KeyError, TypeError):
            code, message = "invalid_request", ""
        return RecordsRefused(response.status_code, code, message)

    async def login(self, login: str, password: str) -> Agent:
        response = await self._call(
            "POST", "/auth/agents/login", body={"login": login, "password": password}
        )
        if response.status_code != 200:
            raise self._refused(response)
        data = response.json()
        return Agent(str(data["agent_id"]), str(data["display_name"]), str(data["token"]))

    async def agent(self, token: str) -> Agent | None:
        """The agent behind this token, or None (expired, revoked, or not an agent)."""
        response = await self._call("GET", "/me", token)
        if response.status_code != 200:
            return None
        data = response.json()
        if data.get("kind") != "agent" or not data.get("agent_id"):
            return None
        return Agent(str(data["agent_id"]), str(data.get("display_name") or ""), token)

    async def logout(self, token: str) -> None:
        await self._call("POST", "/auth/logout", token)

    async def record_event(self, agent: Agent, conversation_id: str, action: str) -> None:
        """Write the action to the person's access log first; refuse the action otherwise."""
        response = await self._call(
            "POST",
            "/helpline/events",
            agent.token,
            {"conversation_id": conversation_id, "action": action},
        )
        if response.status_code != 204:
            raise self._refused(response)

    async def start_activation(self, agent: Agent, body: dict[str, Any]) -> dict[str, Any]:
        """An activation "with a professional": records keeps this agent as the helper."""
        response = await self._call("POST", "/activations", agent.token, body)
        if response.status_code != 201:
            raise self._refused(response)
        return response.json()

    async def send_activation_code(
        self, agent: Agent, activation_id: str, channel: str
    ) -> dict[str, Any]:
        """The code goes to the person's own phone or mailbox, never to the agent."""
        response = await self._call(
            "POST", f"/activations/{activation_id}/code", agent.token, {"channel": channel}
        )
        if response.status_code != 202:
            raise self._refused(response)
        return response.json()


class ConsoleCookie:
    """`<last action time>.<signature>.<records agent token>`, signed with the gateway's key."""

    def __init__(self, key: str, idle_seconds: float) -> None:
        self._key = hashlib.sha256(b"helpline-console-cookie\0" + key.encode()).digest()
        self.idle_seconds = idle_seconds

    def _sign(self, stamp: str, token: str) -> str:
        return hmac.new(self._key, f"{stamp}.{token}".encode(), hashlib.sha256).hexdigest()

    def make(self, token: str, now: float | None = None) -> str:
        stamp = str(int(now if now is not None else time.time()))
        return f"{stamp}.{self._sign(stamp, token)}.{token}"

    def token(self, value: str | None, now: float | None = None) -> str | None:
        """The agent token when the cookie is genuine and the agent acted recently."""
        if not value:
            return None
        stamp, _, rest = value.partition(".")
        signature, _, token = rest.partition(".")
        if not (stamp.isdigit() and token):
            return None
        if not hmac.compare_digest(signature, self._sign(stamp, token)):
            return None
        if (now if now is not None else time.time()) - int(stamp) > self.idle_seconds:
            return None
        return token
