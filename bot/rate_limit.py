"""Per-address limits of the chat API: a token bucket per client address, in bounded memory.

Each gateway process counts on its own (behind a load balancer with N replicas, one address
gets up to N times the limit); the records service applies its own limits behind it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict


class RateLimiter:
    """`per_minute` requests per key and per minute, bursts of `per_minute` at most."""

    def __init__(self, per_minute: int, max_keys: int = 50_000) -> None:
        self._capacity = float(max(per_minute, 1))
        self._rate = self._capacity / 60.0  # tokens per second
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, now: float | None = None) -> float:
        """0 when allowed; else the seconds to wait before the next request may pass."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self._capacity, now))
        tokens = min(self._capacity, tokens + (now - last) * self._rate)
        if tokens >= 1:
            wait = 0.0
            tokens -= 1
        else:
            wait = (1 - tokens) / self._rate
        self._buckets[key] = (tokens, now)  # most recent last
        while len(self._buckets) > self._max_keys:
            # The least recently seen address goes first: forgetting it only gives it a full
            # bucket again, which is what it would have after a quiet minute.
            self._buckets.popitem(last=False)
        return wait

    def retry_after(self, wait: float) -> str:
        return str(max(1, math.ceil(wait)))
