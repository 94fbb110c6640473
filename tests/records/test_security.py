"""Brute-force counters (shared by replicas through the database) and secret helpers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from records.errors import AppError
from records.security import (
    RateLimiter,
    codes_match,
    hash_code,
    new_code,
    new_token,
    token_hash,
)


def test_counter_window(database, db, clock):
    with database.session() as session:
        limiter = RateLimiter(session, 900)
        for _ in range(3):
            limiter.hit(["k"], clock.now())
        session.commit()
        assert limiter.count("k", clock.now()) == 3
        with pytest.raises(AppError) as refused:
            limiter.check({"k": 3}, clock.now())
        assert refused.value.status == 429
        assert refused.value.headers == {"Retry-After": "901"}
        limiter.check({"k": 4}, clock.now())
        # A new window starts from 1.
        later = clock.advance(seconds=900)
        assert limiter.count("k", later) == 0
        limiter.hit(["k"], later)
        session.commit()
        assert limiter.count("k", later) == 1
        assert limiter.count("k", later + timedelta(seconds=899)) == 1


def test_concurrent_failures_are_all_counted(database, db, clock):
    def fail_twenty_times() -> None:
        for _ in range(20):
            with database.session() as session:
                RateLimiter(session, 900).hit(["shared"], clock.now())
                session.commit()

    threads = [threading.Thread(target=fail_twenty_times) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with database.session() as session:
        assert RateLimiter(session, 900).count("shared", clock.now()) == 40


def test_codes_and_tokens():
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    digest = hash_code("key", "owner", "123456")
    assert codes_match(digest, "key", "owner", "123456")
    assert not codes_match(digest, "key", "other-owner", "123456")
    assert not codes_match(digest, "other-key", "owner", "123456")
    token = new_token("ses")
    assert token.startswith("ses_") and len(token) > 40
    assert token_hash(token) != token and len(token_hash(token)) == 64
