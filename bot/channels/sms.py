"""SMS channel: an SMS thread with one phone number is one conversation of the ChatService.

Inbound: `POST /sms/webhook` in the Twilio format (form `From`, `To`, `Body`, `MessageSid`),
signed with `X-Twilio-Signature` over `SMS_PUBLIC_URL`; it answers an empty TwiML at once.
Outbound: the delivery worker calls `deliver`; answers go through the provider's REST API
(Twilio-compatible, the same settings and format as records' SMS sender). One bot turn is one
SMS thread message; buttons become "Répondez 1 pour : …" lines, and the number typed back
picks that choice. STOP / ARRET / ARRÊT stop every message to the number until START.

Phone numbers are personal data: normalised with phonenumbers, never logged.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
import unicodedata
from typing import Any

import httpx
import phonenumbers
from fastapi import APIRouter, Request, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot import messages
from bot.channels.base import DeliveryError
from bot.channels.channel_state import ChannelState
from bot.channels.sms_segments import segments, transliterate
from bot.settings import Settings

log = logging.getLogger("bot.channels.sms")

# The provider takes at most 1600 characters per message (10 concatenated segments).
MAX_BODY = 1600
# benchmarks/sms-segments.md: writing the few letters outside GSM-7 without their accent
# divides the cost of the domain's answers, and the words stay easy to read.
TRANSLITERATE = True
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
}  # fmt: skip
CHOICE = re.compile(
    r"^(?:(?:le|la|choix|numero|n°|no|#)\s*)*(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")[\s.)!]*$"
)
KEYWORDS = {"STOP": "stop", "ARRET": "stop", "START": "start", "AIDE": "help"}


async def resolved(value: Any) -> Any:
    """The store's methods may be plain or coroutines: accept both."""
    return await value if inspect.isawaitable(value) else value


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: how a keyword or a number is recognised."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def keyword(body: str) -> str | None:
    """ "stop", "start" or "help" when the whole message is one of the SMS keywords."""
    return KEYWORDS.get(_plain(body).strip(" .!").upper())


def chosen_number(body: str) -> int | None:
    """The number of a choice: "1", "1.", " 1 ", "un", "le 1"; None for anything else."""
    match = CHOICE.match(_plain(body))
    if match is None:
        return None
    word = match.group(1)
    return NUMBER_WORDS[word] if word in NUMBER_WORDS else int(word)


def normalise_phone(raw: str | None) -> str | None:
    """E.164 form of a sender's number (French numbers may come without +33)."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def compose_sms(batch: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """One SMS body for a batch as written, and its choices in the order of their numbers."""
    blocks: list[str] = []
    choices: list[dict[str, str]] = []
    for message in batch:
        lines = []
        if message.get("agent_name"):
            lines.append(f"{message['agent_name']} :")
        if message.get("text"):
            lines.append(message["text"])
        for button in message.get("buttons") or []:
            choices.append({"title": button["title"], "payload": button["payload"]})
            lines.append(
                messages.text("sms_choice").format(number=len(choices), title=button["title"])
            )
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks), choices


def render_sms(batch: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """The SMS body as sent (pictograms dropped, see TRANSLITERATE) and its choices."""
    body, choices = compose_sms(batch)
    return (transliterate(body) if TRANSLITERATE else body), choices


def split_body(body: str, limit: int = MAX_BODY) -> list[str]:
    parts: list[str] = []
    while len(body) > limit:
        cut = body.rfind("\n", 0, limit)
        if cut <= 0:
            cut = body.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(body[:cut].rstrip())
        body = body[cut:].lstrip()
    if body:
        parts.append(body)
    return parts


def empty_twiml() -> Response:
    return Response(str(MessagingResponse()), media_type="application/xml")


class SmsChannel:
    name = "sms"

    def __init__(
        self,
        settings: Settings,
        chat: Any,
        state: ChannelState,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        if not settings.sms_configured:
            raise ValueError("the SMS provider settings are incomplete")
        self.settings = settings
        self.chat = chat
        self.state = state
        self.public_url = str(settings.sms_public_url)
        self.validator = RequestValidator(str(settings.sms_auth_token))
        base = str(settings.sms_api_url).rstrip("/")
        self.messages_url = f"{base}/2010-04-01/Accounts/{settings.sms_account_sid}/Messages.json"
        self.client = client or httpx.AsyncClient(timeout=10)

    async def start(self) -> None:
        log.info("sms channel on")

    async def stop(self) -> None:
        await self.client.aclose()

    # Inbound -------------------------------------------------------------------------------

    def signed(self, params: dict[str, str], signature: str) -> bool:
        """The provider's own check of X-Twilio-Signature over the public URL."""
        return bool(signature) and self.validator.validate(self.public_url, params, signature)

    async def receive(self, params: dict[str, str]) -> None:
        sid = params.get("MessageSid", "")
        if not sid or not self.state.first_time("sms-message", sid):
            log.info("sms webhook: message seen before or without id: ignored")
            return
        phone = normalise_phone(params.get("From"))
        if phone is None:
            log.warning("sms webhook: sender number not valid: ignored")
            return
        conversation = await resolved(self.chat.store.find_or_create("sms", phone))
        body = params.get("Body", "")[: self.settings.max_message_chars]
        word = keyword(body)
        if word is not None:
            if word in ("stop", "start"):
                self.state.set_stopped(conversation.id, word == "stop")
            reply = {"stop": "sms_stopped", "start": "sms_started", "help": "sms_help"}[word]
            try:
                await self._post(phone, messages.text(reply), f"{sid}:{word}")
            except DeliveryError as exc:
                log.warning("sms: the answer to a keyword was not sent (%s)", exc)
            return
        if self.state.stopped(conversation.id):
            log.info("sms: a message from a number that sent STOP is not answered")
            return
        number = chosen_number(body)
        menu = self.state.menu(conversation.id)
        if number is not None and 1 <= number <= len(menu):
            choice = menu[number - 1]
            await self.chat.user_message(conversation.id, choice["title"], choice["payload"])
        elif body.strip():
            await self.chat.user_message(conversation.id, body, None)

    # Outbound ------------------------------------------------------------------------------

    async def deliver(self, conversation: Any, batch: list[dict[str, Any]]) -> None:
        """One SMS thread message per batch; a retried batch never sends a part twice."""
        if self.state.stopped(conversation.id):
            log.info("sms: the number sent STOP; a batch is not sent")
            return
        shown = [m for m in batch if m.get("from") != "user"]
        body, choices = render_sms(shown)
        if any(m.get("from") == "bot" for m in shown):
            self.state.set_menu(conversation.id, choices)
        if not body:
            return
        phone = await resolved(self.chat.store.external_id(conversation))
        ids = ",".join(str(m.get("id")) for m in shown)
        for index, part in enumerate(split_body(body)):
            key = hashlib.sha256(f"{conversation.id}:{ids}:{index}".encode()).hexdigest()[:32]
            if self.state.done("sms-sent", key):
                continue
            encoding, count = segments(part)
            log.info("sms: sending %d segment(s) in %s", count, encoding)
            await self._post(phone, part, key)
            self.state.first_time("sms-sent", key)

    async def _post(self, phone: str, body: str, key: str) -> None:
        s = self.settings
        try:
            response = await self.client.post(
                self.messages_url,
                data={"To": phone, "From": str(s.sms_from), "Body": body},
                auth=(str(s.sms_account_sid), str(s.sms_auth_token)),
                headers={"Idempotency-Key": key},
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"sms: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryError(f"sms: HTTP {response.status_code}")
        if response.status_code >= 300:
            log.warning("sms: the provider refused a message (HTTP %d)", response.status_code)


router = APIRouter(tags=["channels"])


@router.post("/sms/webhook", include_in_schema=False)
async def sms_webhook(request: Request) -> Response:
    """The provider's inbound SMS: an empty TwiML; the answers go out through the REST API."""
    channel = request.app.state.channels.get("sms")
    if channel is None:
        return Response(status_code=503)
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    if not channel.signed(params, request.headers.get("X-Twilio-Signature", "")):
        log.warning("sms webhook: unsigned or wrongly signed request refused")
        return Response(status_code=403)
    await channel.receive(params)
    return empty_twiml()
