"""Small helpers shared by routers."""

from __future__ import annotations

from records.errors import AppError


def channel(value: str | None, default: str | None = None) -> str | None:
    if value is None:
        return default
    value = value.strip().lower()
    if value == "mail":
        value = "email"
    if value not in ("sms", "email"):
        raise AppError("invalid_channel", 422)
    return value
