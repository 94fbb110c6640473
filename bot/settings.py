"""One settings object for the gateway, read from the environment (docs/contracts.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - development default only
DEV_INTERNAL_TOKEN = "dev-gateway-internal-token"  # noqa: S105 - development default only


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = PROJECT_ROOT / "var"
    rasa_url: str = "http://127.0.0.1:5005"
    records_url: str = "http://127.0.0.1:8000"
    actions_url: str = "http://127.0.0.1:5055/webhook"
    records_service_token: str = DEV_SERVICE_TOKEN
    # Credential of the internal routes (agent messages, reminders pushed to a conversation).
    gateway_internal_token: str = DEV_INTERNAL_TOKEN
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

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.environment == "production":
            if self.records_service_token == DEV_SERVICE_TOKEN:
                raise ValueError("RECORDS_SERVICE_TOKEN is required in production")
            if self.gateway_internal_token == DEV_INTERNAL_TOKEN:
                raise ValueError("GATEWAY_INTERNAL_TOKEN is required in production")
            if not self.gateway_data_key:
                raise ValueError("GATEWAY_DATA_KEY is required in production")
        return self

    @property
    def gateway_db_path(self) -> Path:
        return self.data_dir / "gateway.db"

    @property
    def gateway_db_url(self) -> str:
        return self.gateway_database_url or f"sqlite:///{self.gateway_db_path}"

    @property
    def audio_cache_dir(self) -> Path:
        return self.voice_cache_dir or self.data_dir / "audio"


@lru_cache
def get_settings() -> Settings:
    return Settings()
