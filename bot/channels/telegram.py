"""Telegram channel: a private Telegram chat is one conversation of the gateway's ChatService.

Inbound: long polling in development (a token and no webhook secret), the webhook
`POST /telegram/webhook` in production (Telegram sends the secret token in a header; an
`update_id` seen before is ignored). Every update becomes `ChatService.user_message`.
Outbound: the gateway's delivery worker calls `deliver` with one batch of rendered messages.

The chat id is personal data: it lives only in the conversation store (encrypted there) and
in the calls to Telegram; it never reaches a log.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import inspect
import logging
from typing import Any

from fastapi import APIRouter, Header, Request
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import messages
from bot.channels.base import DeliveryError
from bot.channels.channel_state import ChannelState
from bot.errors import ApiError
from bot.settings import Settings

log = logging.getLogger("bot.channels.telegram")

# Telegram refuses texts over 4096 characters; keep a margin for the pictogram line.
MAX_TEXT = 4000
# A keyboard's keys live one day: an older keyboard is refused like a forged one.
CHOICE_TTL_SECONDS = 24 * 3600
# AIORateLimiter waits and retries a send that got RetryAfter this many times.
SEND_RETRIES = 3
START_RETRY_SECONDS = 10.0
SYMBOLS = {
    "calendar": "📅",
    "document": "📄",
    "lock": "🔒",
    "phone": "📞",
    "help": "❓",
    "doctor": "🩺",
    "child": "🧒",
    "emergency": "🚑",
    "message": "✉️",
    "voice": "🔊",
    "check": "✅",
    "warning": "⚠️",
}
# The commands of the menu and what each one says to the assistant.
COMMANDS = {"start": "bonjour", "aide": "aide", "stop": "stop"}
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
# Below WARNING these libraries log request URLs (the bot token is in them) and the
# parameters of each call (the chat id, the text).
QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "telegram.ext")


async def resolved(value: Any) -> Any:
    """The store's methods may be plain or coroutines: accept both."""
    return await value if inspect.isawaitable(value) else value


def render_text(message: dict[str, Any]) -> str:
    """One message as Telegram shows it: pictogram and its words, text, secret notice."""
    lines = []
    pictogram = message.get("pictogram")
    if pictogram in SYMBOLS:
        lines.append(f"{SYMBOLS[pictogram]} {messages.text(f'picto_{pictogram}')}")
    if message.get("agent_name"):
        lines.append(f"{message['agent_name']} :")
    if message.get("text"):
        lines.append(message["text"])
    if message.get("secret_input"):
        lines.append(messages.text("telegram_secret_notice"))
    return "\n".join(lines)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a long text below Telegram's limit, at a line break, else a space."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text or not parts:
        parts.append(text)
    return parts


class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: Settings, chat: Any, state: ChannelState, voice: Any) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.chat = chat
        self.state = state
        self.voice = voice
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        self.webhook_secret = settings.telegram_webhook_secret
        api = settings.telegram_api_url.rstrip("/")
        builder = (
            Application.builder()
            .token(settings.telegram_bot_token)
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .rate_limiter(AIORateLimiter(max_retries=SEND_RETRIES))
        )
        if self.webhook_secret:
            builder = builder.updater(None)
        self.app = builder.build()
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._add_handlers()

    @property
    def polling(self) -> bool:
        return not self.webhook_secret

    # Life cycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background: the gateway serves the other channels meanwhile."""
        self._task = asyncio.create_task(self._connect())

    async def _connect(self) -> None:
        while True:
            try:
                await self.app.initialize()
                await self.app.bot.set_my_commands(
                    [
                        BotCommand(name, messages.text(f"telegram_command_{name}"))
                        for name in ("start", "aide", "stop", "voix")
                    ]
                )
                await self.app.start()
                if self.webhook_secret and self.settings.telegram_webhook_url:
                    await self.app.bot.set_webhook(
                        self.settings.telegram_webhook_url,
                        secret_token=self.webhook_secret,
                        allowed_updates=["message", "callback_query"],
                    )
                elif self.polling and self.app.updater is not None:
                    await self.app.updater.start_polling(
                        allowed_updates=["message", "callback_query"], timeout=10
                    )
                self.ready.set()
                log.info("telegram channel on (%s)", "polling" if self.polling else "webhook")
                return
            except TelegramError as exc:
                name = type(exc).__name__
                log.warning("telegram unreachable at start-up (%s): trying again", name)
                with contextlib.suppress(TelegramError, RuntimeError):
                    if self.app.running:
                        await self.app.stop()
                    await self.app.shutdown()
                await asyncio.sleep(START_RETRY_SECONDS)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.app.shutdown()

    async def handle_webhook(self, secret_token: str | None, data: Any) -> None:
        """One update from Telegram's webhook (see `router` below)."""
        given = (secret_token or "").encode()
        if not self.webhook_secret or not hmac.compare_digest(given, self.webhook_secret.encode()):
            log.warning("telegram webhook: request without the right secret token refused")
            raise ApiError(403, "forbidden")
        if not self.ready.is_set():
            raise ApiError(503, "service_down")  # Telegram sends it again later
        try:
            update = Update.de_json(data, self.app.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            update = None
        if update is None:
            raise ApiError(422, "invalid_request")
        await self.app.process_update(update)

    # Inbound -------------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        self.app.add_handler(TypeHandler(Update, self._drop_replays), group=-1)
        for command in COMMANDS:
            self.app.add_handler(CommandHandler(command, self._on_command, filters=PRIVATE))
        self.app.add_handler(CommandHandler("voix", self._on_voice_command, filters=PRIVATE))
        self.app.add_handler(CallbackQueryHandler(self._on_press))
        self.app.add_handler(MessageHandler(PRIVATE & filters.TEXT, self._on_text))
        self.app.add_handler(
            MessageHandler(PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, self._on_media)
        )
        self.app.add_error_handler(self._on_error)

    async def _drop_replays(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.state.first_time("telegram-update", str(update.update_id)):
            log.info("telegram update seen before: ignored")
            raise ApplicationHandlerStop

    async def _conversation(self, chat_id: int) -> Any:
        return await resolved(self.chat.store.find_or_create("telegram", str(chat_id)))

    async def _on_command(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or not message.text:
            return
        command = message.text.split()[0].lstrip("/").split("@")[0].lower()
        conversation = await self._conversation(message.chat_id)
        # Sent like a button (a payload): a command never counts as a typed secret.
        await self.chat.user_message(conversation.id, COMMANDS[command], f"/{command}")

    async def _on_voice_command(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        conversation = await self._conversation(message.chat_id)
        enabled = not self.chat.state(conversation)["voice"]
        await self.chat.set_voice(conversation.id, enabled)
        said = messages.text("telegram_voice_on" if enabled else "telegram_voice_off")
        await self._reply(message.chat_id, said)

    async def _on_text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        if len(message.text) > self.settings.max_message_chars:
            await self._reply(message.chat_id, messages.text("message_too_long"))
            return
        conversation = await self._conversation(message.chat_id)
        result = await self.chat.user_message(conversation.id, message.text, None)
        if result["user_message"].get("masked"):
            await self._delete_secret(message)

    async def _delete_secret(self, message: Message) -> None:
        try:
            deleted = await message.delete()
        except TelegramError as exc:
            name = type(exc).__name__
            log.warning("telegram: a secret message could not be deleted (%s)", name)
            deleted = False
        if not deleted:
            await self._reply(message.chat_id, messages.text("telegram_delete_failed"))

    async def _on_media(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await self._reply(update.message.chat_id, messages.text("telegram_unsupported"))

    async def _on_press(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        shown = query.message
        if shown is None or shown.chat.type != "private" or not isinstance(query.data, str):
            await query.answer()
            return
        conversation = await self._conversation(shown.chat.id)
        choice = self.state.press(query.data, conversation.id)
        if choice is None:
            log.info("telegram: unknown, spent or expired button refused")
            await query.answer(messages.text("telegram_choice_expired"))
            return
        await query.answer()
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:  # the keys are spent anyway: a second press does nothing
            log.info("telegram: keyboard not removed (%s)", type(exc).__name__)
        await self.chat.user_message(conversation.id, choice["title"], choice["payload"])

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed: %s", type(context.error).__name__)

    async def _reply(self, chat_id: int, text: str) -> None:
        """A channel's own short answer (not a turn of the dialogue)."""
        try:
            await self.app.bot.send_message(chat_id, text)
        except TelegramError as exc:
            log.warning("telegram: a short answer was not sent (%s)", type(exc).__name__)

    # Outbound ------------------------------------------------------------------------------

    async def deliver(self, conversation: Any, messages_: list[dict[str, Any]]) -> None:
        """Send one batch; parts already sent by an earlier try are not sent again."""
        if not self.ready.is_set():
            raise DeliveryError("telegram is not connected yet")
        chat_id = int(await resolved(self.chat.store.external_id(conversation)))
        voice_on = bool(self.chat.state(conversation).get("voice"))
        try:
            for message in messages_:
                if message.get("from") == "user":
                    continue
                await self._send_message(chat_id, conversation.id, message)
                if voice_on and message.get("text"):
                    await self._send_voice(chat_id, conversation.id, message)
        except Forbidden:
            log.warning("telegram: the person blocked the bot; the batch is dropped")
        except BadRequest as exc:
            log.warning("telegram refused the batch (%s); it is dropped", exc.message)
        except (RetryAfter, NetworkError) as exc:
            raise DeliveryError(f"telegram: {type(exc).__name__}") from exc

    async def _send_message(self, chat_id: int, conversation_id: str, message: dict) -> None:
        parts = split_text(render_text(message))
        buttons = message.get("buttons") or []
        for index, part in enumerate(parts):
            tag = f"{conversation_id}:{message['id']}:{index}"
            if self.state.done("telegram-sent", tag):
                continue
            markup = None
            if buttons and index == len(parts) - 1:
                keys = self.state.keyboard(conversation_id, buttons, CHOICE_TTL_SECONDS)
                markup = InlineKeyboardMarkup(
                    [
                        [InlineKeyboardButton(button["title"], callback_data=key)]
                        for button, key in zip(buttons, keys, strict=True)
                    ]
                )
            await self.app.bot.send_message(chat_id, part, reply_markup=markup)
            self.state.first_time("telegram-sent", tag)

    async def _send_voice(self, chat_id: int, conversation_id: str, message: dict) -> None:
        tag = f"{conversation_id}:{message['id']}:voice"
        if self.voice is None or self.state.done("telegram-sent", tag):
            return
        try:
            path = await self.voice.audio_for(message["text"], "ogg")
        except Exception as exc:  # the text went out: a voice failure costs only the audio
            log.warning("telegram: no voice note for a message (%s)", type(exc).__name__)
            return
        audio = await asyncio.to_thread(path.read_bytes)
        await self.app.bot.send_voice(chat_id, voice=audio)
        self.state.first_time("telegram-sent", tag)


router = APIRouter(tags=["channels"])


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(
    request: Request, x_telegram_bot_api_secret_token: str | None = Header(None)
) -> dict[str, Any]:
    """Telegram's updates (production): answered once the message is safe in the queue."""
    channel = request.app.state.channels.get("telegram")
    if channel is None:
        raise ApiError(503, "service_down")
    try:
        data = await request.json()
    except ValueError:
        data = None
    await channel.handle_webhook(x_telegram_bot_api_secret_token, data)
    return {}
