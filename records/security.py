"""Secrets: password hashing (argon2id), keyed hashes for one-time codes, random tokens and
API keys, and brute-force limits. Nothing here logs a secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from records.errors import AppError
from records.models import RateCounter, UTCDateTime

# argon2-cffi's defaults are RFC 9106's low-memory profile, type argon2id. The cost comes from
# the settings (tests lower it; a stored hash keeps its own parameters).
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def configure_password_hashing(time_cost: int, memory_kib: int, parallelism: int) -> None:
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _dummy_hash = None


def _dummy() -> str:
    # Verified when the identifier is unknown, so both answers take the same time.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not-a-real-password-0")
    return _dummy_hash


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with other parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def new_code() -> str:
    """A 6-digit one-time code."""
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(secret_key: str, owner_id: str, code: str) -> str:
    """Keyed hash: a 6-digit code is too short for a plain hash to protect it."""
    msg = f"{owner_id}:{code}".encode()
    return hmac.new(secret_key.encode(), msg, hashlib.sha256).hexdigest()


def codes_match(expected_hash: str, secret_key: str, owner_id: str, code: str) -> bool:
    return hmac.compare_digest(expected_hash, hash_code(secret_key, owner_id, code))


def new_token(prefix: str) -> str:
    """A session token or API key: 256 random bits."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    """Tokens are random and long: SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class RateLimiter:
    """Fixed-window failure counters stored in the database (shared by every replica)."""

    def __init__(self, session: Session, window_seconds: int) -> None:
        self.session = session
        self.window = timedelta(seconds=window_seconds)

    def _current(self, key: str, now: datetime) -> tuple[int, datetime | None]:
        """Failures counted in the current window, and when that window started."""
        row = self.session.execute(
            select(RateCounter.count, RateCounter.window_start).where(RateCounter.key == key)
        ).first()
        if row is None or now - row.window_start >= self.window:
            return 0, None
        return row.count, row.window_start

    def check(self, keys: dict[str, int], now: datetime, code: str = "too_many_attempts") -> None:
        """Refuse (429) when any key already reached its limit in the current window."""
        for key, limit in keys.items():
            count, started = self._current(key, now)
            if started is not None and count >= limit:
                retry = int((started + self.window - now).total_seconds()) + 1
                raise AppError(code, 429, headers={"Retry-After": str(max(retry, 1))})

    def hit(self, keys: dict[str, int] | list[str], now: datetime) -> None:
        """Count one failure on each key: one atomic upsert, so concurrent failures on
        several replicas are all counted and never collide."""
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        table = RateCounter.__table__
        stamp = literal(now, UTCDateTime())
        expired = table.c.window_start <= literal(now - self.window, UTCDateTime())
        for key in keys:
            statement = insert(table).values(key=key, window_start=now, count=1)
            statement = statement.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((expired, 1), else_=table.c.count + 1),
                    "window_start": case((expired, stamp), else_=table.c.window_start),
                },
            )
            self.session.execute(statement)
        self.session.flush()

    def count(self, key: str, now: datetime) -> int:
        return self._current(key, now)[0]


class GrowingDelay:
    """Per-target wait after repeated failures: free failures first, then a delay that doubles
    with each failure up to a cap. Anyone may try again once the delay is over, so failures
    caused by someone else slow the real person down but never lock them out. Stored in the
    rate counters: `count` is the number of failures, `window_start` the last one."""

    def __init__(
        self, session: Session, free: int, base_seconds: int, max_seconds: int, reset_seconds: int
    ) -> None:
        self.session = session
        self.free = free
        self.base = base_seconds
        self.max = max_seconds
        self.reset = timedelta(seconds=reset_seconds)

    def _wait(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return timedelta(seconds=min(self.base * 2 ** (failures - self.free), self.max))

    def check(self, key: str, now: datetime) -> None:
        row = self.session.execute(
            select(RateCounter.count, RateCounter.window_start).where(RateCounter.key == key)
        ).first()
        if row is None or now - row.window_start >= self.reset:
            return
        ready_at = row.window_start + self._wait(row.count)
        if now < ready_at:
            retry = int((ready_at - now).total_seconds()) + 1
            raise AppError("too_many_attempts", 429, headers={"Retry-After": str(retry)})

    def hit(self, key: str, now: datetime) -> None:
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        table = RateCounter.__table__
        forgotten = table.c.window_start <= literal(now - self.reset, UTCDateTime())
        statement = insert(table).values(key=key, window_start=now, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((forgotten, 1), else_=table.c.count + 1),
                "window_start": literal(now, UTCDateTime()),
            },
        )
        self.session.execute(statement)
        self.session.flush()

    def clear(self, key: str) -> None:
        self.session.execute(delete(RateCounter).where(RateCounter.key == key))
