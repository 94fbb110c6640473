"""The secret path of SPEC §4.3 (docs/contracts.md "Secrets between Rasa and the gateway").

A password or a one-time code goes from the user straight to records; Rasa only receives the
outcome intent. Nothing here logs or stores the secret; the session token obtained at the end
of a login or an activation is kept encrypted in the gateway's store (never in Rasa).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

log = logging.getLogger("bot.secrets")

PURPOSES = {
    "activation_code": "code",
    "activation_password": "password",
    "activation_final_code": "code",
    "login_password": "password",
    "login_code": "code",
}


class RecordsUnavailable(Exception):
    """Records did not answer in time or answered with a server error."""


@dataclass
class SecretOutcome:
    purpose: str
    ok: bool
    error: str | None = None
    login_challenge: str | None = None  # kept by the gateway between login_password and login_code
    linked_until: str | None = None

    def rasa_message(self) -> str:
        """What Rasa receives instead of the secret."""
        if self.ok:
            return "/secret_ok" + json.dumps({"secret_purpose": self.purpose})
        entities = {"secret_purpose": self.purpose, "secret_error": self.error or "unknown"}
        return "/secret_failed" + json.dumps(entities)


def secret_kind(purpose: str) -> str:
    """ "code" or "password": how the widget masks and labels the field."""
    return PURPOSES.get(purpose, "password")


def is_valid_request(request: Any) -> bool:
    return isinstance(request, dict) and request.get("purpose") in PURPOSES


class SessionTokens(Protocol):
    """Where the users' record session tokens are kept (bot.conversations.ConversationStore)."""

    def save_session_token(self, conversation_id: str, token: str) -> None: ...
    def session_token(self, conversation_id: str) -> str | None: ...
    def drop_session_token(self, conversation_id: str) -> None: ...


class SecretRouter:
    def __init__(
        self, records_url: str, service_token: str, timeout: float, *, tokens: SessionTokens
    ) -> None:
        self._base = records_url.rstrip("/")
        self._service_token = service_token
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)))
        # Session tokens by conversation: encrypted in the store, so every replica and a
        # restarted gateway keep the person logged in; never in Rasa.
        self._tokens = tokens

    async def close(self) -> None:
        await self._client.aclose()

    def session_token(self, conversation_id: str) -> str | None:
        return self._tokens.session_token(conversation_id)

    def forget(self, conversation_id: str) -> str | None:
        """Drop the conversation's session token from the store; return it."""
        token = self._tokens.session_token(conversation_id)
        self._tokens.drop_session_token(conversation_id)
        return token

    async def logout(self, conversation_id: str) -> None:
        """End the person's session in records (POST /auth/logout) and forget its token.

        When records does not answer, the token is forgotten anyway: the session then ends at
        its expiry in records, and nothing here can use it again.
        """
        token = self.forget(conversation_id)
        if token is None:
            return
        try:
            await self._post(conversation_id, None, "/auth/logout", {}, bearer=token)
        except RecordsUnavailable:
            log.warning("records unavailable during a logout: the session ends at its expiry")

    async def handle(
        self,
        conversation_id: str,
        request: dict[str, Any],
        secret: str,
        login_challenge: str | None = None,
        client_address: str | None = None,
    ) -> SecretOutcome:
        """Send the secret to records for the purpose Rasa asked for.

        Raises RecordsUnavailable when records is down: the caller tells the user to try
        again later; the secret is not kept anywhere. `client_address` goes to records with
        the service token (X-Client-Address) so its per-address limits hold.
        """
        address = client_address
        purpose = str(request["purpose"])
        outcome = SecretOutcome(purpose=purpose, ok=False)
        if purpose == "activation_code":
            answer = await self._post(
                conversation_id,
                address,
                f"/activations/{_segment(request)}/code/verify",
                {"code": secret},
            )
        elif purpose == "activation_password":
            answer = await self._post(
                conversation_id,
                address,
                f"/activations/{_segment(request)}/credentials",
                {
                    "identifier": str(request.get("identifier", "")),
                    "password": secret,
                    "channel": str(request.get("channel", "sms")),
                },
            )
        elif purpose == "activation_final_code":
            answer = await self._post(
                conversation_id,
                address,
                f"/activations/{_segment(request)}/confirm",
                {"code": secret},
            )
        elif purpose == "login_password":
            body: dict[str, Any] = {
                "identifier": str(request.get("identifier", "")),
                "password": secret,
            }
            if request.get("channel"):
                body["channel"] = str(request["channel"])
            answer = await self._post(conversation_id, address, "/auth/login", body)
            if isinstance(answer, dict):
                outcome.login_challenge = str(answer.get("challenge_id") or "") or None
        elif purpose == "login_code":
            if not login_challenge:
                outcome.error = "challenge_missing"
                return outcome
            challenge = _safe(login_challenge)
            answer = await self._post(
                conversation_id, address, f"/auth/login/{challenge}/verify", {"code": secret}
            )
        else:
            outcome.error = "unknown_purpose"
            return outcome

        if isinstance(answer, _Failure):
            outcome.error = answer.code
            return outcome
        if purpose in ("activation_final_code", "login_code"):
            token = answer.get("token") if isinstance(answer, dict) else None
            if not token:
                outcome.error = "no_session"
                return outcome
            link = await self._link(conversation_id, str(token))
            if isinstance(link, _Failure):
                outcome.error = link.code
                return outcome
            self._tokens.save_session_token(conversation_id, str(token))
            outcome.linked_until = str(link.get("expires_at") or "") or None
        outcome.ok = True
        return outcome

    async def _link(self, conversation_id: str, token: str) -> dict[str, Any] | _Failure:
        link = await self._post(
            conversation_id,
            None,
            "/assistant/links",
            {"conversation_id": conversation_id},
            bearer=token,
        )
        if isinstance(link, _Failure) and link.code == "conversation_linked_elsewhere":
            # Someone else logged in earlier in this same conversation (one widget, two people
            # of a family): their session ends here, then the link goes to the new person.
            await self.logout(conversation_id)
            await self._unlink(conversation_id)
            link = await self._post(
                conversation_id,
                None,
                "/assistant/links",
                {"conversation_id": conversation_id},
                bearer=token,
            )
        return link

    async def fetch_file(
        self, conversation_id: str, path: str, params: dict[str, str]
    ) -> httpx.Response:
        """A file records makes for the person linked to the conversation (a PDF): records
        checks the link and the person's rights, and logs the access. Files take longer to
        make than an answer, hence their own timeout."""
        try:
            return await self._client.get(
                self._base + path,
                params=params,
                headers=self._service_headers(conversation_id),
                timeout=httpx.Timeout(10.0, connect=2.0),
            )
        except httpx.HTTPError as exc:
            raise RecordsUnavailable(type(exc).__name__) from None

    def _service_headers(self, conversation_id: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._service_token}",
            "X-Conversation-Id": conversation_id,
        }

    async def _unlink(self, conversation_id: str) -> None:
        try:
            await self._client.delete(
                f"{self._base}/assistant/links/{_safe(conversation_id)}",
                headers=self._service_headers(conversation_id),
            )
        except httpx.HTTPError as exc:
            raise RecordsUnavailable(type(exc).__name__) from None

    async def _post(
        self,
        conversation_id: str,
        client_address: str | None,
        path: str,
        body: dict[str, Any],
        bearer: str | None = None,
    ) -> dict[str, Any] | _Failure:
        headers = {
            "Authorization": f"Bearer {bearer or self._service_token}",
            "X-Conversation-Id": conversation_id,
        }
        if client_address and bearer is None:
            # Records trusts this header only with the service token (its per-address limits).
            headers["X-Client-Address"] = client_address
        try:
            response = await self._client.post(self._base + path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise RecordsUnavailable(type(exc).__name__) from None
        if response.status_code >= 500:
            raise RecordsUnavailable(f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            code = None
            if isinstance(data, dict) and isinstance(data.get("error"), dict):
                code = data["error"].get("code")
            return _Failure(str(code) if code else f"http_{response.status_code}")
        return data if isinstance(data, dict) else {}


@dataclass
class _Failure:
    code: str


def _safe(value: str) -> str:
    """An id as one safe URL path segment (ids come from Rasa or records, never trusted)."""
    return "".join(ch for ch in value if ch.isalnum() or ch in "-_") or "missing"


def _segment(request: dict[str, Any]) -> str:
    return _safe(str(request.get("activation_id", "")))
