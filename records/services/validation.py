"""Validation rules of activation (SPEC §3.2), each failure with its stable error code."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir as stdnum_nir

from records.errors import AppError

_COMMON_PASSWORDS = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_IDENTIFIER = re.compile(r"^[a-z0-9]+$")
SPECIALS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ €£§°µ²")


def parse_birth_date(value: str, today: date) -> date:
    try:
        parsed = date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise AppError("invalid_birth_date", 422) from None
    if parsed > today or parsed.year < 1900:
        raise AppError("invalid_birth_date", 422)
    return parsed


def normalize_vitale_serial(value: str) -> str:
    """The carte Vitale serial number: opaque digits, no checksum; shape only."""
    compact = re.sub(r"[\s.-]", "", value or "")
    if not compact.isdigit() or not 8 <= len(compact) <= 20:
        raise AppError("invalid_vitale_serial", 422)
    return compact


def normalize_phone(value: str) -> str:
    """A French phone number in E.164 (+33…)."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        raise AppError("invalid_phone", 422) from None
    if not phonenumbers.is_valid_number(number):
        raise AppError("invalid_phone", 422)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise AppError("invalid_email", 422)
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def is_valid_nir(value: str) -> bool:
    try:
        stdnum_nir.validate(value)
    except StdnumError:
        return False
    return True


def nir_matches(value: str, birth_date: date, sex: str) -> bool:
    """The NIR starts with the sex (1 man, 2 woman), the year and the month of birth."""
    compact = stdnum_nir.compact(value)
    return (
        is_valid_nir(compact)
        and compact[0] == {"M": "1", "F": "2"}[sex]
        and compact[1:3] == f"{birth_date.year % 100:02d}"
        and compact[3:5] == f"{birth_date.month:02d}"
    )


def validate_identifier(identifier: str, person_nir: str | None) -> str:
    if "@" in identifier and _EMAIL.match(identifier.strip()):
        raise AppError("identifier_is_email", 422)
    if not _IDENTIFIER.match(identifier):
        raise AppError("identifier_invalid_characters", 422)
    if len(identifier) < 8:
        raise AppError("identifier_too_short", 422)
    if len(identifier) > 100:
        raise AppError("identifier_too_long", 422)
    if person_nir and person_nir[:13] in identifier:
        raise AppError("identifier_is_nir", 422)
    if identifier.isdigit() and len(identifier) == 15 and is_valid_nir(identifier):
        raise AppError("identifier_is_nir", 422)
    return identifier


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    """Common as typed, or a common word dressed up with a few digits and signs
    ("Azerty123!")."""
    lowered = password.lower()
    words = common_passwords()
    if lowered in words:
        return True
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    return len(core) >= 4 and core in words and len(lowered) - len(core) <= 5


def validate_password(password: str) -> str:
    if len(password) < 9:
        raise AppError("password_too_short", 422)
    if len(password) > 128:
        raise AppError("password_too_long", 422)
    if not any(c.islower() for c in password):
        raise AppError("password_needs_lowercase", 422)
    if not any(c.isupper() for c in password):
        raise AppError("password_needs_uppercase", 422)
    if not any(c.isdigit() for c in password):
        raise AppError("password_needs_digit", 422)
    if not any(not c.isalnum() for c in password):
        raise AppError("password_needs_special", 422)
    if is_common_password(password):
        raise AppError("password_too_common", 422)
    return password


def mask_phone(e164: str | None) -> str | None:
    """+33612345612 -> "06 •• •• •• 12" (as the brochure's screens show)."""
    if not e164:
        return None
    try:
        national = phonenumbers.format_number(
            phonenumbers.parse(e164, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL
        )
    except phonenumbers.NumberParseException:
        return "••"
    digits = re.sub(r"\D", "", national)
    if len(digits) != 10:
        return "•• " + digits[-2:]
    return f"{digits[:2]} •• •• •• {digits[-2:]}"


def mask_email(email: str | None) -> str | None:
    """camille.martin@example.org -> "c•••@example.org"."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def format_phone(e164: str | None) -> str | None:
    if not e164:
        return None
    return phonenumbers.format_number(
        phonenumbers.parse(e164, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL
    )
