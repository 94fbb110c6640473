"""The gateway's dialogue routing, shared by every channel.

A user message goes, in order: to the secret path when Rasa asked for a secret, to the agent
when a person of the 3422 took over, otherwise into the durable queue and from there to Rasa.
Rasa's answers become stored bot messages pushed to the conversation's event streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
import unicodedata
from collections.abc import AsyncIterator
from typing import Any

import httpx

from bot import messages, secret_guard
from bot.channels.base import OutboundChannel
from bot.conversations import Conversation, ConversationStore, StoredMessage
from bot.delivery import DeliveryWorker
from bot.events import Broker
from bot.locks import Busy, LocalLocks
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.secrets import (
    RecordsUnavailable,
    SecretRouter,
    is_valid_request,
    secret_kind,
)

log = logging.getLogger("bot.chat")

# Intents only the gateway may send (docs/contracts.md): a user must never forge them.
RESERVED_INTENTS = ("secret_ok", "secret_failed")
# Seconds a replica holds a queued message it is sending to Rasa (then another may take it).
QUEUE_LEASE = 60.0
# Their NLU examples are these literal tokens: typed, they are removed (any case, any number of
# underscores), so no user sentence is read as a gateway signal.
RESERVED_TOKENS = re.compile(r"_*secret_+(?:ok|failed)_*", re.IGNORECASE)
# "/" and the characters that look like it and NFKC does not fold into it.
SLASHES = "/\u2044\u2215\u29f8\u2571\u27cb\u2cc6\u30ce\u31d3\u4e3f\U0001d10d"
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PICTOGRAMS = frozenset(
    "calendar document lock phone help doctor child emergency message voice check warning".split()
)


class ConversationNotFound(Exception):
    pass


class HandoffTaken(Exception):
    """Another person of the 3422 has this conversation (one agent at a time)."""


def clean_text(text: str) -> str:
    """User text as Rasa may receive it: never a command, never a gateway signal.

    Rasa reads a message starting with "/" (after whitespace) as an intent with entities; only
    the buttons the bot offered may do that (see ChatService._offered_button). So, until
    nothing changes: fold look-alikes (NFKC: fullwidth solidus, ideographic space), turn control
    and invisible format characters into spaces, remove the NLU tokens of the gateway's
    signals, strip whitespace and every leading slash or slash look-alike.
    """
    text = unicodedata.normalize("NFKC", text)
    previous = None
    while text != previous:
        previous = text
        text = "".join(" " if _invisible(c) else c for c in text)
        text = RESERVED_TOKENS.sub(" ", text)
        text = text.strip().lstrip(SLASHES).strip()
    return text


def _invisible(char: str) -> bool:
    return char not in "\t\n\r" and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def command_name(payload: str) -> str:
    """The intent a payload would trigger in Rasa ("" when it is not a command)."""
    text = unicodedata.normalize("NFKC", payload)
    text = "".join(" " if _invisible(c) else c for c in text).strip()
    if not text.startswith(tuple(SLASHES)):
        return ""
    return text.lstrip(SLASHES + " \t").split("{", 1)[0].strip().lower()


# Files records makes that the assistant may hand over (kind -> records route, file name).
DOWNLOADS = {
    "vaccination_certificate": (
        "/me/export/vaccination-certificate",
        "certificat-de-vaccination.pdf",
    ),
}
_RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_valid_download(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("kind") in DOWNLOADS
        and isinstance(value.get("person_id"), str)
        and bool(_RECORD_ID.match(value["person_id"]))
    )


class ChatService:
    def __init__(
        self,
        store: ConversationStore,
        broker: Broker,
        rasa: RasaClient,
        secret_router: SecretRouter,
        actions_url: str,
        retry_interval: float,
        uncertain_grace: float = 10.0,
        outbound_poll_seconds: float = 2.0,
        outbound_retry_seconds: float = 1.0,
        locks: LocalLocks | None = None,
        secret_guard_seconds: float = 900.0,
        helpline_code_seconds: float = 1800.0,
    ) -> None:
        self.store = store
        self.broker = broker
        self.rasa = rasa
        self.secrets = secret_router
        self._actions_health = actions_url.rstrip("/").removesuffix("/webhook") + "/health"
        self._retry_interval = retry_interval
        # Seconds to wait for a timed-out message to show up in Rasa's tracker before
        # sending it again (Rasa waits on the actions, the actions on records).
        self._uncertain_grace = uncertain_grace
        self._helpline_code_seconds = helpline_code_seconds
        # One turn at a time per conversation (across replicas with RedisLocks).
        self.locks = locks if locks is not None else LocalLocks()
        # Ids of the non-user messages of each conversation's current turn: one outbound batch.
        self._batches: dict[str, list[int]] = {}
        self.delivery = DeliveryWorker(
            store,
            self.render,
            poll_seconds=outbound_poll_seconds,
            retry_seconds=outbound_retry_seconds,
        )
        # After a failed or abandoned secret, how long a retyped secret is held back.
        self._secret_guard_seconds = secret_guard_seconds
        self._http = httpx.AsyncClient(timeout=1.0)

    def register_channel(self, channel: OutboundChannel) -> None:
        """Deliver the answers of this channel's conversations through `channel.deliver`."""
        self.delivery.register(channel)

    async def close(self) -> None:
        await self._http.aclose()

    # Rendering -----------------------------------------------------------------------------

    def render(self, message: StoredMessage, conversation: Conversation | None = None) -> dict:
        """A stored message as the chat API shows it (docs/contracts.md, gateway chat API)."""
        body = message.body
        out: dict[str, Any] = {
            "id": message.id,
            "from": message.sender,
            "text": body.get("text", ""),
            "buttons": body.get("buttons", []),
            "created_at": message.created_at,
        }
        for key in ("pictogram", "secret_input", "masked", "agent_name"):
            if body.get(key) is not None:
                out[key] = body[key]
        if isinstance(body.get("download"), dict) and message.sender == "bot":
            out["download"] = {"kind": body["download"]["kind"], "url": self.file_path(message)}
        if message.sender != "user" and out["text"]:
            out["audio_path"] = self.audio_path(message)
            if conversation is not None and conversation.voice:
                out["audio_url"] = out["audio_path"]
        return out

    @staticmethod
    def audio_path(message: StoredMessage) -> str:
        return f"/api/conversations/{message.conversation_id}/messages/{message.id}/audio"

    @staticmethod
    def file_path(message: StoredMessage) -> str:
        return f"/api/conversations/{message.conversation_id}/messages/{message.id}/file"

    def state(self, conversation: Conversation) -> dict[str, Any]:
        secret = None
        if secret_guard.is_asking(conversation.pending_secret):
            purpose = conversation.pending_secret["purpose"]
            secret = {"purpose": purpose, "kind": secret_kind(purpose)}
        return {
            "conversation_id": conversation.id,
            "voice": conversation.voice,
            "secret_input": secret,
            "handoff": conversation.handoff,
            "waiting": bool(self.store.pending(conversation.id)),
        }

    def _get(self, conversation_id: str) -> Conversation:
        conversation = self.store.get(conversation_id)
        if conversation is None:
            raise ConversationNotFound(conversation_id)
        return conversation

    def _emit(self, message: StoredMessage) -> dict:
        rendered = self.render(message, self.store.get(message.conversation_id))
        self.broker.publish(message.conversation_id, {"event": "message", "data": rendered})
        return rendered

    def _emit_state(self, conversation_id: str) -> None:
        conversation = self.store.get(conversation_id)
        if conversation is not None:
            self.broker.publish(
                conversation_id, {"event": "state", "data": self.state(conversation)}
            )

    def _add(self, conversation_id: str, sender: str, body: dict[str, Any]) -> dict:
        stored = self.store.add_message(conversation_id, sender, body)
        if sender != "user":
            batch = self._batches.get(conversation_id)
            if batch is not None:
                batch.append(stored.id)
            else:
                self._send_out(conversation_id, [stored.id])
        return self._emit(stored)

    @contextlib.asynccontextmanager
    async def _turn(self, conversation_id: str, wait: bool = True) -> AsyncIterator[None]:
        """Hold the conversation's lock; what the turn produced goes out as one batch."""
        async with self.locks.hold(conversation_id, wait):
            self._batches[conversation_id] = []
            try:
                yield
            finally:
                self._send_out(conversation_id, self._batches.pop(conversation_id))

    def _send_out(self, conversation_id: str, message_ids: list[int]) -> None:
        """Queue one batch for the conversation's channel (the web widget reads its stream)."""
        if not message_ids:
            return
        conversation = self.store.get(conversation_id)
        if conversation is None or conversation.channel == "web":
            return
        self.store.add_outbound(conversation_id, conversation.channel, message_ids)
        self.delivery.wake()

    # User messages -------------------------------------------------------------------------

    async def user_message(
        self,
        conversation_id: str,
        text: str | None,
        payload: str | None = None,
        client_address: str | None = None,
    ) -> dict[str, Any]:
        """Handle one message typed (text) or chosen with a button (payload + its title).

        `client_address` (web: the person's address) goes to records with the secret.
        """
        async with self._turn(conversation_id):
            conversation = self._get(conversation_id)
            offered = self._offered_button(conversation_id, payload) if payload else None
            if offered is None and payload and not (text or "").strip():
                text = payload  # an unknown payload counts as typed text; "" counts as none
            secret = secret_guard.current(conversation.pending_secret, time.time())
            if offered is None:
                typed = text or ""
                if secret_guard.is_asking(secret):
                    kind = secret_kind(str(secret["purpose"]))  # type: ignore[index]
                    if not secret_guard.is_way_out(typed, kind):
                        return await self._secret(conversation, typed, client_address)
                held = secret_guard.looks_like_secret(typed)
                if held is not None:
                    return self._hold(conversation_id, held)
            agent_asking = conversation.handoff == "active" and secret_guard.is_asking(secret)
            if secret is not None and not agent_asking:
                # A button or a way out during a secret question, or any message during a
                # cooldown: what looks like a secret stays held back until Rasa asks again.
                # (A question of the 3422 stays open while the person talks with the agent.)
                self._start_cooldown(conversation_id, str(secret["purpose"]))

            shown = clean_text(text or "")
            rasa_message = shown
            if offered is not None:
                rasa_message = offered["payload"]
                shown = shown or offered["title"]
            user = self._add(conversation_id, "user", {"text": shown})
            if conversation.handoff == "active":
                # The person of the 3422 answers: Rasa is paused for this conversation.
                return {"user_message": user, "messages": [], "queued": False}
            if not rasa_message:
                # Only control or invisible characters: nothing to read, but always an answer.
                body = {"text": messages.text("nothing_to_read")}
                answer = self._add(conversation_id, "system", body)
                return {"user_message": user, "messages": [answer], "queued": False}
            self.store.enqueue(conversation_id, rasa_message)
            produced = await self._drain(conversation_id, from_user=True)
            return {
                "user_message": user,
                "messages": produced,
                "queued": bool(self.store.pending(conversation_id)),
            }

    def _start_cooldown(self, conversation_id: str, purpose: str) -> None:
        until = time.time() + self._secret_guard_seconds
        self.store.set_pending_secret(conversation_id, secret_guard.cooldown(purpose, until))
        self._emit_state(conversation_id)

    def _hold(self, conversation_id: str, kind: str) -> dict[str, Any]:
        """Text that looks like a secret while none is expected: masked, sent nowhere."""
        body = {"text": messages.text(f"secret_held_{kind}"), "masked": True}
        user = self._add(conversation_id, "user", body)
        advice = self._add(
            conversation_id, "system", {"text": messages.text(f"secret_not_sent_{kind}")}
        )
        return {"user_message": user, "messages": [advice], "queued": False}

    def _offered_button(self, conversation_id: str, payload: str) -> dict[str, str] | None:
        """The bot's recent button that carries this payload, if any (else a typed text)."""
        if command_name(payload) in RESERVED_INTENTS:
            return None
        for message in reversed(self.store.messages(conversation_id, limit=30)):
            if message.sender == "bot":
                for button in message.body.get("buttons", []):
                    if button.get("payload") == payload:
                        return button
        return None

    async def _secret(
        self, conversation: Conversation, typed: str, client_address: str | None
    ) -> dict[str, Any]:
        request = conversation.pending_secret or {}
        purpose = str(request.get("purpose"))
        kind = secret_kind(purpose)
        user = self._add(
            conversation.id,
            "user",
            {"text": messages.text(f"secret_sent_{kind}"), "masked": True},
        )
        try:
            outcome = await self.secrets.handle(
                conversation.id,
                request,
                secret_guard.secret_for_records(typed, kind),
                conversation.login_challenge,
                client_address=client_address,
            )
        except RecordsUnavailable:
            # The secret is dropped here; the question stays open so the user can type it again.
            log.warning("records unavailable during a secret step (%s)", purpose)
            failure = self._add(
                conversation.id, "system", {"text": messages.text("secret_service_down")}
            )
            return {"user_message": user, "messages": [failure], "queued": False}
        finally:
            del typed
        with_agent = conversation.handoff == "active"
        if outcome.ok:
            self.store.set_pending_secret(conversation.id, None)
        elif with_agent and outcome.error == "wrong_code":
            pass  # the agent's question stays open: records counts the wrong tries
        else:
            # Rasa may ask again (a new secret_input); until then a retyped secret is held.
            self._start_cooldown(conversation.id, purpose)
        if outcome.login_challenge:
            self.store.set_login_challenge(conversation.id, outcome.login_challenge)
        if outcome.linked_until:
            self.store.set_linked_until(conversation.id, outcome.linked_until)
            self.store.set_login_challenge(conversation.id, None)
        self._emit_state(conversation.id)
        if with_agent:
            # Rasa is paused: the person and the agent learn the outcome, never the secret.
            result = "ok" if outcome.ok else "failed"
            body = {"text": messages.text(f"agent_secret_{result}_{kind}")}
            told = self._add(conversation.id, "system", body)
            return {"user_message": user, "messages": [told], "queued": False}
        self.store.enqueue(conversation.id, outcome.rasa_message())
        produced = await self._drain(conversation.id, from_user=True)
        return {
            "user_message": user,
            "messages": produced,
            "queued": bool(self.store.pending(conversation.id)),
        }

    # Queue and Rasa ------------------------------------------------------------------------

    async def _actions_up(self) -> bool:
        try:
            return (await self._http.get(self._actions_health)).status_code == 200
        except httpx.HTTPError:
            return False

    async def _drain(self, conversation_id: str, from_user: bool) -> list[dict]:
        """Send the conversation's queued messages to Rasa in order; stop at the first failure.

        The caller holds the conversation's lock.
        """
        produced: list[dict] = []
        for item in self.store.pending(conversation_id):
            if not self.store.claim_queued(item.id, self.delivery.worker_id, QUEUE_LEASE):
                return produced  # another replica is sending it to Rasa
            conversation = self._get(conversation_id)
            started = time.time()
            try:
                answers = None
                if item.sent_at is not None:
                    # Rasa may have handled it after our timeout: never run an action twice.
                    answers = await self.rasa.answers_from_tracker(
                        conversation_id, item.message, item.sent_at
                    )
                    if answers is None and started - item.sent_at < self._uncertain_grace:
                        # Rasa may still be working on it: look again later.
                        self.store.release_queued(item.id)
                        if from_user:
                            body = {"text": messages.text("service_down_again")}
                            produced.append(self._add(conversation_id, "system", body))
                        return produced
                if answers is None:
                    answers = await self.rasa.send(conversation_id, item.message, item.id)
                    if not answers and not await self._actions_up():
                        # Rasa swallows a failed custom action and answers nothing.
                        raise RasaUnavailable("action server down")
            except RasaUnavailable as exc:
                log.warning("conversation queued: %s", exc)
                if exc.maybe_delivered:
                    self.store.mark_attempt(item.id, sent_at=started)
                else:
                    self.store.mark_attempt(item.id, sent_at=item.sent_at)
                if not conversation.outage_notified:
                    self.store.set_outage_notified(conversation_id, True)
                    body = {"text": messages.text("service_down"), "pictogram": "warning"}
                    produced.append(self._add(conversation_id, "system", body))
                elif from_user:
                    body = {"text": messages.text("service_down_again")}
                    produced.append(self._add(conversation_id, "system", body))
                self._emit_state(conversation_id)
                return produced
            if conversation.outage_notified:
                self.store.set_outage_notified(conversation_id, False)
                body = {"text": messages.text("service_back"), "pictogram": "check"}
                produced.append(self._add(conversation_id, "system", body))
            self.store.mark_done(item.id)
            produced.extend(self._apply_answers(conversation_id, answers))
            if _asks_logout(answers):
                await self._logout(conversation_id)
        self._emit_state(conversation_id)
        return produced

    def _apply_answers(self, conversation_id: str, answers: list[dict[str, Any]]) -> list[dict]:
        """Turn Rasa's REST answers into bot messages and gateway state.

        Rasa sends a response's text and its custom payload as two answers: a pictogram
        belongs to the text before it (or the next one when none came before).
        """
        bodies: list[dict[str, Any]] = []
        pending_pictogram: str | None = None
        secret_request: dict[str, Any] | None = None
        voice: bool | None = None
        handoff = False
        for answer in answers:
            if not isinstance(answer, dict):
                continue
            text = answer.get("text")
            buttons = _buttons(answer.get("buttons"))
            if isinstance(text, str) and text.strip() or buttons:
                body: dict[str, Any] = {"text": text or "", "buttons": buttons}
                if pending_pictogram:
                    body["pictogram"], pending_pictogram = pending_pictogram, None
                bodies.append(body)
            custom = answer.get("custom")
            if not isinstance(custom, dict):
                continue
            pictogram = custom.get("pictogram")
            if isinstance(pictogram, str) and pictogram in PICTOGRAMS:
                if bodies and "pictogram" not in bodies[-1]:
                    bodies[-1]["pictogram"] = pictogram
                else:
                    pending_pictogram = pictogram
            if is_valid_request(custom.get("secret_input")):
                secret_request = dict(custom["secret_input"])
            if isinstance(custom.get("voice"), bool):
                voice = custom["voice"]
            if custom.get("handoff") is True:
                handoff = True
            download = custom.get("download")
            if is_valid_download(download) and bodies:
                # A file records makes for the logged-in person: fetched through the gateway.
                bodies[-1]["download"] = {
                    "kind": download["kind"],
                    "person_id": download["person_id"],
                }

        if voice is not None:
            self.store.set_voice(conversation_id, voice)
        if secret_request is not None:
            self.store.set_pending_secret(conversation_id, secret_request)
            if bodies:
                purpose = secret_request["purpose"]
                bodies[-1]["secret_input"] = {"purpose": purpose, "kind": secret_kind(purpose)}
        produced = [self._add(conversation_id, "bot", body) for body in bodies]
        if handoff and self._get(conversation_id).handoff == "none":
            self.store.set_handoff(conversation_id, "requested")
            ticket = self.store.open_helpline(conversation_id, self._helpline_code_seconds)
            code = messages.text("handoff_code").format(code=" ".join(ticket.short_code or ""))
            text = messages.text("handoff_requested") + "\n" + code
            body = {"text": text, "pictogram": "phone"}
            produced.append(self._add(conversation_id, "system", body))
        return produced

    async def _logout(self, conversation_id: str) -> None:
        """Rasa's `logout` payload: the link ended in records (action_logout); end the
        session the gateway holds and forget it."""
        self.store.set_linked_until(conversation_id, None)
        self.store.set_login_challenge(conversation_id, None)
        await self.secrets.logout(conversation_id)

    # Expiry --------------------------------------------------------------------------------

    def purge_idle(self, idle_seconds: float) -> int:
        """Delete conversations idle for `idle_seconds` with their histories and queues, and
        forget their session tokens. Returns how many went."""
        gone = self.store.purge_idle(idle_before=time.time() - idle_seconds)
        for conversation_id in gone:
            self.secrets.forget(conversation_id)
        if gone:
            log.info("purged %d idle conversations", len(gone))
        return len(gone)

    async def purge_loop(self, idle_seconds: float, interval: float) -> None:
        while True:
            try:
                self.purge_idle(idle_seconds)
            except Exception:  # the loop must outlive any single failure
                log.exception("idle purge failed")
            await asyncio.sleep(interval)

    async def retry_pending(self) -> int:
        """One pass of the retry loop: answer the queued messages once Rasa is back."""
        waiting = self.store.conversations_with_pending()
        if not waiting or not await self.rasa.is_up():
            return 0
        answered = 0
        for conversation_id in waiting:
            try:
                async with self._turn(conversation_id, wait=False):
                    if self.store.get(conversation_id) is None:
                        continue
                    answered += len(await self._drain(conversation_id, from_user=False))
            except Busy:
                continue  # a turn of that conversation runs (here or on another replica)
        return answered

    async def retry_loop(self) -> None:
        while True:
            await asyncio.sleep(self._retry_interval)
            try:
                await self.retry_pending()
            except Exception:  # the loop must outlive any single failure
                log.exception("retry loop pass failed")

    # Voice, agents, pushed messages ------------------------------------------------------

    async def set_voice(self, conversation_id: str, enabled: bool) -> dict[str, Any]:
        self._get(conversation_id)
        self.store.set_voice(conversation_id, enabled)
        self._emit_state(conversation_id)
        return self.state(self._get(conversation_id))

    async def set_handoff(
        self,
        conversation_id: str,
        active: bool,
        agent_id: str | None = None,
        agent_name: str | None = None,
    ) -> dict[str, Any]:
        """Take over (Rasa paused) or hand back. With an agent: one agent at a time, and only
        the agent who has it hands it back (else HandoffTaken)."""
        async with self._turn(conversation_id):
            conversation = self._get(conversation_id)
            if agent_id is not None:
                ticket = self.store.helpline(conversation_id)
                if ticket is None:
                    ticket = self.store.open_helpline(conversation_id, 0)
                if active and not self.store.claim_helpline(
                    conversation_id, agent_id, agent_name or ""
                ):
                    raise HandoffTaken(conversation_id)
                if not active and ticket.agent_id != agent_id:
                    raise HandoffTaken(conversation_id)
            if active and conversation.handoff != "active":
                self.store.set_handoff(conversation_id, "active")
                text = messages.text("agent_joined")
                if agent_name:
                    text = messages.text("agent_joined_named").format(name=agent_name)
                self._add(conversation_id, "system", {"text": text, "pictogram": "phone"})
            elif not active and conversation.handoff != "none":
                self.store.set_handoff(conversation_id, "none")
                if secret_guard.is_asking(conversation.pending_secret):
                    # The agent's question ends with them; Rasa never asked it.
                    purpose = str(conversation.pending_secret["purpose"])  # type: ignore[index]
                    self._start_cooldown(conversation_id, purpose)
                self._add(conversation_id, "system", {"text": messages.text("agent_left")})
            if not active:
                self.store.close_helpline(conversation_id)
            self._emit_state(conversation_id)
            return self.state(self._get(conversation_id))

    async def agent_asks_secret(self, conversation_id: str, request: dict[str, Any]) -> dict:
        """A person of the 3422 who took over asks the person for a secret (the code of the
        activation the agent started): the person's next input goes to records by the secret
        path, masked for the agent; the outcome, not the secret, is shown to both."""
        if not is_valid_request(request):
            raise ValueError("not a secret request")
        async with self._turn(conversation_id):
            if self._get(conversation_id).handoff != "active":
                raise HandoffTaken(conversation_id)
            self.store.set_pending_secret(conversation_id, dict(request))
            purpose = str(request["purpose"])
            kind = secret_kind(purpose)
            body = {
                "text": messages.text(f"agent_asks_{kind}"),
                "pictogram": "lock",
                "secret_input": {"purpose": purpose, "kind": kind},
            }
            asked = self._add(conversation_id, "system", body)
            self._emit_state(conversation_id)
            return asked

    async def push(
        self, conversation_id: str, sender: str, text: str, agent_name: str | None = None
    ) -> dict:
        """A message that does not come from Rasa: an agent's answer or a reminder."""
        async with self._turn(conversation_id):
            self._get(conversation_id)
            body: dict[str, Any] = {"text": CONTROL_CHARS.sub(" ", text).strip()}
            if agent_name:
                body["agent_name"] = agent_name
            return self._add(conversation_id, sender, body)


def _asks_logout(answers: list[Any]) -> bool:
    return any(
        isinstance(a, dict)
        and isinstance(a.get("custom"), dict)
        and a["custom"].get("logout") is True
        for a in answers
    )


def _buttons(raw: Any) -> list[dict[str, str]]:
    buttons = []
    if isinstance(raw, list):
        for button in raw:
            if isinstance(button, dict) and button.get("title") and button.get("payload"):
                buttons.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return buttons


def sse_format(event: dict[str, Any], event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event['event']}")
    lines.append("data: " + json.dumps(event["data"], ensure_ascii=False))
    return "\n".join(lines) + "\n\n"


async def cancel(task: asyncio.Task | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
