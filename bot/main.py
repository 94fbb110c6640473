"""The gateway: the one front door for channels (SPEC §2, §5). Run: uvicorn bot.main:app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis

from bot import errors, logs, pages
from bot.body_limit import BodyLimit
from bot.channels import internal, sms, telegram, web
from bot.channels.base import OutboundChannel
from bot.channels.channel_state import ChannelState
from bot.chat import ChatService, cancel
from bot.console import api as console_api
from bot.console.agents import AgentRecords, ConsoleCookie
from bot.conversations import ConversationStore
from bot.crypto import DataKey
from bot.events import Broker, RedisBroker
from bot.locks import LocalLocks, RedisLocks
from bot.rasa_client import RasaClient
from bot.rate_limit import RateLimiter
from bot.secrets import SecretRouter
from bot.security_headers import SecurityHeaders
from bot.settings import Settings, get_settings
from bot.voice import VoiceService

log = logging.getLogger("bot")


def load_voice(settings: Settings) -> Any | None:
    """The voice engine of bot/voice, or None when it cannot start (the widget then says so)."""
    try:
        return VoiceService(cache_dir=settings.audio_cache_dir, engine=settings.voice_engine)
    except Exception:
        log.exception("the voice engine failed to start: audio is unavailable")
        return None


def start_channels(
    settings: Settings, service: ChatService, voice: Any, store: ConversationStore
) -> dict[str, Any]:
    """The Telegram and SMS adapters that are configured; the others are said off once."""
    channels: dict[str, Any] = {}
    if not settings.telegram_bot_token:
        log.info("telegram channel off: TELEGRAM_BOT_TOKEN is not set")
    if not settings.sms_configured:
        log.info(
            "sms channel off: SMS_API_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM and "
            "SMS_PUBLIC_URL are not all set"
        )
    if not settings.telegram_bot_token and not settings.sms_configured:
        return channels
    state = ChannelState(store.engine)
    if settings.telegram_bot_token:
        channels["telegram"] = telegram.TelegramChannel(settings, service, state, voice)
    if settings.sms_configured:
        channels["sms"] = sms.SmsChannel(settings, service, state)
    for channel in channels.values():
        service.register_channel(channel)
    return channels


# The console runs only its own files: no inline script, no framing by another site.
CONSOLE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
        " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(
    settings: Settings | None = None, channels: Sequence[OutboundChannel] = ()
) -> FastAPI:
    """The gateway app; `channels` are registered beside the configured ones (tests)."""
    settings = settings or get_settings()
    logs.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key = DataKey.load(settings.gateway_data_key, settings.data_dir)
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        # Several replicas: events and per-conversation locks go through Redis.
        broker = RedisBroker(redis) if redis else Broker()
        locks = RedisLocks(redis) if redis else LocalLocks()
        await broker.start()
        store = ConversationStore.open(settings.gateway_db_url, key)
        rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.rasa_token)
        secret_router = SecretRouter(
            settings.records_url,
            settings.records_service_token,
            settings.records_timeout_seconds,
            tokens=store,
        )
        service = ChatService(
            store,
            broker,
            rasa,
            secret_router,
            settings.actions_url,
            settings.retry_interval_seconds,
            settings.uncertain_grace_seconds,
            outbound_poll_seconds=settings.outbound_poll_seconds,
            outbound_retry_seconds=settings.outbound_retry_seconds,
            locks=locks,
            secret_guard_seconds=settings.secret_guard_seconds,
            helpline_code_seconds=settings.helpline_code_seconds,
        )
        for channel in channels:
            service.register_channel(channel)
        app.state.chat = service
        app.state.console_records = AgentRecords(
            settings.records_url, settings.records_timeout_seconds
        )
        app.state.voice = load_voice(settings)
        app.state.channels = start_channels(settings, service, app.state.voice, store)
        for channel in app.state.channels.values():
            await channel.start()
        retry = asyncio.create_task(service.retry_loop())
        delivery = asyncio.create_task(service.delivery.run())
        purge = asyncio.create_task(
            service.purge_loop(
                settings.conversation_idle_days * 86400, settings.purge_interval_seconds
            )
        )
        try:
            yield
        finally:
            await cancel(purge)
            await cancel(delivery)
            await cancel(retry)
            for channel in app.state.channels.values():
                await channel.stop()
            for channel in app.state.channels.values():
                channel.state.close()  # one state shared by the channels: closing twice is safe
            await service.close()
            await app.state.console_records.close()
            await rasa.close()
            await secret_router.close()
            await broker.close()
            if redis is not None:
                await redis.aclose()
            store.close()

    app = FastAPI(
        title="Mon espace santé — passerelle de l'assistant",
        description=(
            "The gateway's chat API used by the web widget. Bot messages are pushed on the "
            "conversation's server-sent events stream and returned by the POST that caused them."
        ),
        version="1.0.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.conversation_limiter = RateLimiter(settings.conversations_per_address_per_minute)
    app.state.message_limiter = RateLimiter(settings.messages_per_address_per_minute)
    app.state.console_cookie = ConsoleCookie(
        settings.gateway_internal_token, settings.console_idle_seconds
    )
    errors.install(app)
    # Any website may embed the widget; the conversation id, not a cookie, is the credential.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT"],
        allow_headers=["Content-Type", "Last-Event-ID"],
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, embed_origins=settings.widget_embed_origin_list)
    app.include_router(web.router)
    app.include_router(internal.router)
    app.state.channels = {}
    if settings.telegram_bot_token:
        app.include_router(telegram.router)
    if settings.sms_configured:
        app.include_router(sms.router)
    app.include_router(console_api.router)

    widget_dir = settings.widget_dir

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    texts = widget_dir / "texts.fr.json"

    @app.get("/", include_in_schema=False)
    async def front_page() -> HTMLResponse:
        """The product's front page: the widget, open, inside an easy-to-read page."""
        return HTMLResponse(pages.render(widget_dir / "index.html", texts))

    @app.get("/embed", include_in_schema=False)
    async def embed_demo() -> HTMLResponse:
        """A page that embeds the widget the way any website would (floating launcher)."""
        return HTMLResponse(pages.render(widget_dir / "embed.html", texts))

    app.mount("/widget", StaticFiles(directory=widget_dir, check_dir=False), name="widget")

    console_dir = settings.console_dir

    @app.get("/console", include_in_schema=False)
    async def console_page() -> HTMLResponse:
        """The helpline (3422) console: agents only (its API checks every call)."""
        page = pages.render(console_dir / "index.html", console_dir / "texts.fr.json")
        return HTMLResponse(page, headers=CONSOLE_HEADERS)

    app.mount(
        "/console/static", StaticFiles(directory=console_dir, check_dir=False), name="console"
    )
    return app


app = create_app()
