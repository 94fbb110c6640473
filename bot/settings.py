"""One settings object for the gateway, read from the environment (docs/contracts.md)."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - development default only
# Without an explicit environment the gateway would run with development secrets: it refuses.
NO_ENVIRONMENT = (
    "ENVIRONMENT is not set: set ENVIRONMENT=production for a real service, "
    "ENVIRONMENT=development on a developer's machine (`make run` sets it) "
    "or ENVIRONMENT=test for the test suites"
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"]
    data_dir: Path = PROJECT_ROOT / "var"
    rasa_url: str = "http://127.0.0.1:5005"
    records_url: str = "http://127.0.0.1:8000"
    actions_url: str = "http://127.0.0.1:5055/webhook"
    records_service_token: str = DEV_SERVICE_TOKEN
    # Credential of the internal routes (agent messages, reminders pushed to a conversation).
    # Unset outside production: a random value of this process (`make run` shares one).
    gateway_internal_token: str = ""
    # Rasa's --auth-token: its HTTP API and REST channel refuse any call without it.
    rasa_token: str = ""
    redis_url: str | None = None
    # The gateway's conversations, queues and session tokens (SQLite in DATA_DIR by default).
    gateway_database_url: str | None = None
    # 32 bytes in base64: encrypts external ids and session tokens at rest (bot/crypto.py).
    gateway_data_key: str | None = None

    # Rasa must answer within 2.5 s so the failure message reaches the user within 3 s (SPEC §4.4).
    rasa_timeout_seconds: float = 2.5
    records_timeout_seconds: float = 2.5
    # Pause between two tries of the queued messages while a service is down.
    retry_interval_seconds: float = 2.0
    # After a timeout, seconds to look for the message in Rasa's tracker before sending it again.
    uncertain_grace_seconds: float = 10.0
    # Seconds between two keep-alive comments on a server-sent events stream.
    sse_keepalive_seconds: float = 15.0
    # Delivery to non-web channels: poll for batches written elsewhere; first retry delay
    # after a failed delivery (doubled at each failure, at most 5 minutes).
    outbound_poll_seconds: float = 2.0
    outbound_retry_seconds: float = 1.0

    max_message_chars: int = 2000
    # A conversation and its history are deleted after this many days without a message
    # (its link to a space ends earlier, at records' link expiry); checked every hour.
    conversation_idle_days: float = 30.0
    purge_interval_seconds: float = 3600.0
    # Per client address and gateway process (429 beyond): a family or an office behind one
    # router stays well below; a script opening conversations in a loop does not.
    conversations_per_address_per_minute: int = 30
    messages_per_address_per_minute: int = 120
    # Addresses or networks (comma-separated, e.g. "10.0.0.0/8, 127.0.0.1") of the reverse
    # proxies whose X-Forwarded-For names the client; empty: the socket's peer is the client.
    # The gateway listens on 127.0.0.1 behind a proxy on the same host by default. (Start
    # uvicorn with --no-proxy-headers so this setting alone decides.)
    trusted_proxies: str = "127.0.0.1, ::1"
    # After a failed or abandoned secret, seconds during which a retyped code or password is
    # held back (records locks a login for 15 minutes after too many tries).
    secret_guard_seconds: float = 900.0
    # Helpline console (3422): the console ends after this many seconds without an agent action.
    console_idle_seconds: float = 900.0
    # The short code a person reads out to the 3422 lives this long.
    helpline_code_seconds: float = 1800.0
    # Wrong codes an agent may try within the window (guessing one of 10,000 codes is hopeless).
    helpline_lookup_max_failures: int = 5
    helpline_lookup_window_seconds: float = 900.0
    console_dir: Path = PROJECT_ROOT / "web_console"
    voice_engine: str = "auto"
    voice_cache_dir: Path | None = None
    widget_dir: Path = PROJECT_ROOT / "web_widget"
    # Sites allowed to frame the gateway's pages (CSP frame-ancestors), comma-separated
    # origins such as https://www.example.fr.
    widget_embed_origins: str = ""
    # Request bodies above this size are refused (413) while they stream in.
    max_body_bytes: int = 64 * 1024

    @field_validator("widget_embed_origins")
    @classmethod
    def _origins_only(cls, value: str) -> str:
        for origin in value.split(","):
            origin = origin.strip()
            if origin and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"WIDGET_EMBED_ORIGINS: not an origin: {origin!r}")
        return value

    @property
    def widget_embed_origin_list(self) -> list[str]:
        return [o.strip() for o in self.widget_embed_origins.split(",") if o.strip()]

    @model_validator(mode="before")
    @classmethod
    def _environment_is_explicit(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("environment"):
            raise ValueError(NO_ENVIRONMENT)
        return data

    # Telegram channel (bot/channels/telegram.py): off without a token.
    telegram_bot_token: str | None = None
    # Webhook mode when set (production): Telegram sends it in X-Telegram-Bot-Api-Secret-Token.
    telegram_webhook_secret: str | None = None
    # Public URL of POST /telegram/webhook, given to setWebhook at start-up.
    telegram_webhook_url: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # SMS channel (bot/channels/sms.py): the same provider settings as records' SMS sender.
    sms_api_url: str | None = None
    sms_account_sid: str | None = None
    sms_auth_token: str | None = None
    sms_from: str | None = None
    # Public URL of POST /sms/webhook as the provider calls it (the signature covers it).
    sms_public_url: str | None = None

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.environment == "production":
            if self.records_service_token == DEV_SERVICE_TOKEN:
                raise ValueError(
                    "RECORDS_SERVICE_TOKEN is required in production: the secret records "
                    "gave the assistant"
                )
            if not self.gateway_internal_token:
                raise ValueError(
                    "GATEWAY_INTERNAL_TOKEN is required in production: a long random secret "
                    "held by the helpline console and the reminders"
                )
            if not self.rasa_token:
                raise ValueError(
                    "RASA_TOKEN is required in production: the --auth-token Rasa was started with"
                )
            if self.telegram_bot_token and not (
                self.telegram_webhook_secret and self.telegram_webhook_url
            ):
                raise ValueError(
                    "TELEGRAM_WEBHOOK_SECRET and TELEGRAM_WEBHOOK_URL are required in production"
                )
            if not self.gateway_data_key:
                raise ValueError(
                    "GATEWAY_DATA_KEY is required in production: 32 random bytes in base64"
                )
        self.gateway_internal_token = self.gateway_internal_token or secrets.token_urlsafe(32)
        self.rasa_token = self.rasa_token or secrets.token_urlsafe(32)
        return self

    @property
    def gateway_db_path(self) -> Path:
        return self.data_dir / "gateway.db"

    @property
    def gateway_db_url(self) -> str:
        return self.gateway_database_url or f"sqlite:///{self.gateway_db_path}"

    @property
    def sms_configured(self) -> bool:
        return all(
            (
                self.sms_api_url,
                self.sms_account_sid,
                self.sms_auth_token,
                self.sms_from,
                self.sms_public_url,
            )
        )

    @property
    def audio_cache_dir(self) -> Path:
        return self.voice_cache_dir or self.data_dir / "audio"


@lru_cache
def get_settings() -> Settings:
    return Settings()
