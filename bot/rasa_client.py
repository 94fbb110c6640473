"""Client of Rasa's REST channel and HTTP API (the only place the gateway talks to Rasa)."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection or answered with a server error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float, token: str | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)))

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Send one user message through the REST channel and return Rasa's answers."""
        try:
            response = await self._client.post(
                f"{self._base}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code >= 500 or response.status_code in (404, 408, 429):
            raise RasaUnavailable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            # A 4xx other than those above means the gateway sent something wrong: the user
            # gets no answer from Rasa for this message, but it must not be retried forever.
            return []
        try:
            answers = response.json()
        except ValueError as exc:
            raise RasaUnavailable("invalid JSON") from exc
        return answers if isinstance(answers, list) else []

    async def is_up(self) -> bool:
        """True when Rasa's HTTP API answers and a model is loaded."""
        try:
            response = await self._client.get(f"{self._base}/status")
        except httpx.HTTPError:
            return False
        if response.status_code == 200:
            return bool(response.json().get("model_file"))
        # Without --enable-api, /status does not exist: fall back to the root route.
        if response.status_code == 404:
            try:
                return (await self._client.get(f"{self._base}/")).status_code == 200
            except httpx.HTTPError:
                return False
        return False
