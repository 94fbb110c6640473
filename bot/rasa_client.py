"""Client of Rasa's REST channel and HTTP API (the only place the gateway talks to Rasa)."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection or answered with a server error.

    `maybe_delivered` is True after a timeout: Rasa may still handle the message.
    """

    def __init__(self, reason: str, maybe_delivered: bool = False) -> None:
        super().__init__(reason)
        self.maybe_delivered = maybe_delivered


class RasaClient:
    def __init__(self, base_url: str, timeout: float, token: str | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        # Rasa's --auth-token is a `token` query parameter; the REST channel checks the same.
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)),
            params={"token": token} if token else None,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def send(
        self, sender: str, message: str, message_id: int | str | None = None
    ) -> list[dict[str, Any]]:
        """Send one user message through the REST channel and return Rasa's answers.

        `message_id` (the same for every attempt at one message) goes in the message's
        metadata: the actions make it their records writes' Idempotency-Key.
        """
        body: dict[str, Any] = {"sender": sender, "message": message}
        if message_id is not None:
            body["metadata"] = {"message_id": str(message_id)}
        try:
            response = await self._client.post(f"{self._base}/webhooks/rest/webhook", json=body)
        except httpx.TimeoutException as exc:
            connected = not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
            raise RasaUnavailable(type(exc).__name__, maybe_delivered=connected) from exc
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

    async def answers_from_tracker(
        self, sender: str, message: str, since: float
    ) -> list[dict[str, Any]] | None:
        """Rasa's answers to `message` sent at `since`, read back from the tracker.

        None when the tracker shows no such message (or cannot be read): then it is safe to
        send it again. Otherwise the bot events that followed it, as REST answers.
        """
        try:
            response = await self._client.get(
                f"{self._base}/conversations/{sender}/tracker", params={"include_events": "ALL"}
            )
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        try:
            events = response.json().get("events") or []
        except (ValueError, AttributeError):
            return None
        answers: list[dict[str, Any]] | None = None
        for event in events:
            if not isinstance(event, dict):
                continue
            kind = event.get("event")
            if kind == "user":
                if answers is not None:
                    break  # the next user message: its answers are not ours
                stamp = float(event.get("timestamp") or 0)
                if event.get("text") == message and stamp >= since - 2:
                    answers = []
            elif kind == "bot" and answers is not None:
                data = event.get("data") or {}
                answer: dict[str, Any] = {"text": event.get("text")}
                if data.get("buttons"):
                    answer["buttons"] = data["buttons"]
                if data.get("custom"):
                    answer["custom"] = data["custom"]
                answers.append(answer)
        return answers

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
