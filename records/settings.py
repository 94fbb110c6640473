"""One settings object for the record service, read from the environment (docs/contracts.md)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Default data folder: the project's var/, wherever the command runs from (Alembic runs in
# records/, uvicorn at the top), so both find the same SQLite file.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - development default only
DEV_SECRET_KEY = "dev-records-secret-key-change-me"  # noqa: S105 - development default only
# Without an explicit environment the service would silently serve the development token,
# /dev/outbox and a derived document key: it refuses to start instead.
NO_ENVIRONMENT = (
    "ENVIRONMENT is not set: set ENVIRONMENT=production for a real service, "
    "ENVIRONMENT=development on a developer's machine (`make run` sets it) "
    "or ENVIRONMENT=test for the test suites"
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"]
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str | None = None

    # The assistant's service credential (SPEC §3.5) and the key used to hash one-time codes.
    records_service_token: str = DEV_SERVICE_TOKEN
    records_secret_key: str = DEV_SECRET_KEY

    # Accounts (SPEC §3.2). Password hashing: argon2id, RFC 9106 low-memory profile.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    password_hash_parallelism: int = 4
    code_ttl_seconds: int = 600
    code_max_tries: int = 5
    code_max_sends_per_hour: int = 5
    # SMS and mails carrying a code, per person and per phone or address, all flows together.
    code_sends_per_person: int = 10
    code_sends_per_destination: int = 10
    code_sends_window_seconds: int = 86400
    activation_ttl_seconds: int = 3600
    session_idle_seconds: int = 30 * 60
    session_absolute_seconds: int = 12 * 3600
    assistant_link_seconds: int = 12 * 3600
    # Brute-force limits that cannot lock a person out. Per target (identifier, birth date):
    # a delay that doubles after each failure beyond the free ones, capped, forgotten after a
    # quiet period. Per client address: failures per window, for one target and for all.
    failure_delay_free_failures: int = 5
    failure_delay_base_seconds: int = 2
    failure_delay_max_seconds: int = 60
    failure_delay_reset_seconds: int = 3600
    login_failures_per_target: int = 5  # from one client address
    login_failures_per_client: int = 30
    identity_failures_per_target: int = 5  # from one client address
    identity_failures_per_client: int = 20
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed.
    trusted_proxies: str = ""
    code_failures_per_subject: int = 10  # wrong codes per person or account, all codes together
    rate_window_seconds: int = 900

    # Stored documents: AES-256-GCM key (32 bytes in base64) and folder (records/storage.py).
    document_storage_key: str | None = None
    document_storage_dir: Path | None = None

    # Outbox delivery (SPEC §3.2: messages are never lost).
    outbox_worker_enabled: bool = True
    outbox_poll_seconds: float = 2.0
    outbox_max_attempts: int = 8
    # How long a worker owns a message it is sending; after that another worker (replica) may
    # send it again. Far above the senders' 10 s timeouts, so a live worker always finishes.
    outbox_claim_lease_seconds: float = 120.0
    # "log": development default, the message stays readable in GET /dev/outbox and is
    # marked sent. "network": SMTP for email and the HTTP SMS provider for SMS.
    sender: Literal["log", "network"] | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "Mon espace santé <ne-pas-repondre@monespacesante.example>"
    sms_api_url: str | None = None  # Twilio-compatible REST API base URL
    sms_account_sid: str = "dev"
    sms_auth_token: str = "dev"  # noqa: S105 - development default only
    sms_from: str = "MonEspaceSante"

    # Request bodies, refused (413) while they stream in: document uploads (a 5 MB file plus
    # the multipart envelope) and every other route.
    max_upload_body_bytes: int = 5 * 1024 * 1024 + 64 * 1024
    max_json_body_bytes: int = 64 * 1024

    log_level: str = "INFO"

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                ipaddress.ip_network(item.strip(), strict=False)  # ValueError names the item
        return value

    @model_validator(mode="before")
    @classmethod
    def _environment_is_explicit(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("environment"):
            raise ValueError(NO_ENVIRONMENT)
        return data

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.environment == "production":
            if self.records_service_token == DEV_SERVICE_TOKEN:
                raise ValueError(
                    "RECORDS_SERVICE_TOKEN is required in production: a long random secret "
                    "shared with the gateway and the action server"
                )
            if self.records_secret_key == DEV_SECRET_KEY:
                raise ValueError(
                    "RECORDS_SECRET_KEY is required in production: a long random secret "
                    "that keys the hashes of one-time codes"
                )
        return self

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir.resolve() / 'records.db'}"

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in self.trusted_proxies.split(",")
            if item.strip()
        ]

    @property
    def dev_routes(self) -> bool:
        return self.environment in ("development", "test")

    @property
    def sender_backend(self) -> str:
        if self.sender:
            return self.sender
        return "network" if self.environment == "production" else "log"


def apply_security_settings(settings: Settings) -> None:
    from records.security import configure_password_hashing

    configure_password_hashing(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
