"""One settings object for the action server, read from the environment (docs/contracts.md)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

# Development-only default, the same as the records service's; production sets the variable.
DEV_SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - public development default
ENVIRONMENTS = ("development", "test", "production")
# Without an explicit environment the action server would run with development secrets.
NO_ENVIRONMENT = (
    "ENVIRONMENT is not set: set ENVIRONMENT=production for a real service, "
    "ENVIRONMENT=development on a developer's machine (`make run` sets it) "
    "or ENVIRONMENT=test for the test suites"
)


class SettingsError(RuntimeError):
    """The environment does not let the action server start; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    environment: str
    records_url: str
    service_token: str
    # Rasa sends it on every call (endpoints.yml); the action server refuses a call without it.
    actions_token: str
    # Total time for one records call, retries included: the user must get an answer
    # (even "the service does not work") within 3 seconds (SPEC §4.4).
    total_timeout: float
    connect_timeout: float
    retries: int
    # Total time for a write that carries an Idempotency-Key (retries included). Longer than a
    # read's: by then the gateway has told the person it keeps the message, and an answer
    # that comes late is true, while "it failed" would be false once records wakes up and
    # runs the write. Below the gateway's UNCERTAIN_GRACE_SECONDS, so it never sends again
    # a message Rasa is still handling.
    write_timeout: float = 8.0


def load_settings() -> Settings:
    environment = os.environ.get("ENVIRONMENT", "")
    if not environment:
        raise SettingsError(NO_ENVIRONMENT)
    if environment not in ENVIRONMENTS:
        raise SettingsError(f"ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}")
    production = environment == "production"
    service_token = os.environ.get("RECORDS_SERVICE_TOKEN", "")
    if production and service_token in ("", DEV_SERVICE_TOKEN):
        raise SettingsError(
            "RECORDS_SERVICE_TOKEN is required in production: the secret records gave the assistant"
        )
    actions_token = os.environ.get("ACTIONS_TOKEN", "")
    if production and not actions_token:
        raise SettingsError(
            "ACTIONS_TOKEN is required in production: a long random secret shared with Rasa "
            "(endpoints.yml sends it)"
        )
    return Settings(
        environment=environment,
        records_url=os.environ.get("RECORDS_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=service_token or DEV_SERVICE_TOKEN,
        # Unset outside production: a random value nobody else knows, so nobody gets in.
        actions_token=actions_token or secrets.token_urlsafe(32),
        total_timeout=float(os.environ.get("RECORDS_TIMEOUT", "2.0")),
        connect_timeout=float(os.environ.get("RECORDS_CONNECT_TIMEOUT", "1.0")),
        retries=int(os.environ.get("RECORDS_RETRIES", "1")),
        write_timeout=float(os.environ.get("RECORDS_WRITE_TIMEOUT", "8.0")),
    )
