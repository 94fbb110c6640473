"""One turn at a time per conversation: its messages are handled in order, each once.

`LocalLocks` serves one gateway process. `RedisLocks` (when REDIS_URL is set) holds a Redis
lock as well, so two replicas receiving messages of one conversation take turns. The Redis
lock has a lease, renewed while the turn runs, so a replica that dies frees it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.exceptions import LockError


class Busy(Exception):
    """The conversation's lock is held and the caller asked not to wait."""


class LocalLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str, wait: bool = True) -> AsyncIterator[None]:
        lock = self._locks[conversation_id]
        if not wait and lock.locked():
            raise Busy(conversation_id)
        async with lock:
            yield


class RedisLocks(LocalLocks):
    def __init__(
        self,
        redis: Redis,
        prefix: str = "gateway",
        lease_seconds: float = 30.0,
        wait_seconds: float = 60.0,
    ) -> None:
        super().__init__()
        self._redis = redis
        self._prefix = f"{prefix}:lock:"
        self._lease = lease_seconds
        self._wait = wait_seconds

    @contextlib.asynccontextmanager
    async def hold(self, conversation_id: str, wait: bool = True) -> AsyncIterator[None]:
        # The local lock first: the turns of this replica queue in order, without polling.
        async with super().hold(conversation_id, wait):
            lock = self._redis.lock(
                self._prefix + conversation_id,
                timeout=self._lease,
                sleep=0.02,
                blocking=wait,
                blocking_timeout=self._wait if wait else None,
                thread_local=False,
            )
            if not await lock.acquire():
                raise Busy(conversation_id)
            renew = asyncio.create_task(self._renew(lock))
            try:
                yield
            finally:
                renew.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renew
                with contextlib.suppress(LockError):
                    await lock.release()

    async def _renew(self, lock: object) -> None:
        while True:
            await asyncio.sleep(self._lease / 3)
            await lock.reacquire()  # type: ignore[attr-defined]
