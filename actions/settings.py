"""One settings object for the action server, read from the environment (docs/contracts.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass

# Development-only default, the same as the records service's; production sets the variable.
DEV_SERVICE_TOKEN = "dev-records-service-token"  # noqa: S105 - public development default


@dataclass(frozen=True)
class Settings:
    records_url: str
    service_token: str
    # Total time for one records call, retries included: the user must get an answer
    # (even "the service does not work") within 3 seconds (SPEC §4.4).
    total_timeout: float
    connect_timeout: float
    retries: int


def load_settings() -> Settings:
    environment = os.environ.get("ENVIRONMENT", "development")
    token = os.environ.get("RECORDS_SERVICE_TOKEN", "")
    if not token:
        if environment == "production":
            raise RuntimeError("RECORDS_SERVICE_TOKEN is required in production")
        token = DEV_SERVICE_TOKEN
    return Settings(
        records_url=os.environ.get("RECORDS_URL", "http://127.0.0.1:8000").rstrip("/"),
        service_token=token,
        total_timeout=float(os.environ.get("RECORDS_TIMEOUT", "2.0")),
        connect_timeout=float(os.environ.get("RECORDS_CONNECT_TIMEOUT", "1.0")),
        retries=int(os.environ.get("RECORDS_RETRIES", "1")),
    )
