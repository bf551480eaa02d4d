"""Who wrote within the last few seconds: their reads go to the primary database.

In process (one API process, the embedded profile, tests) or in Redis (several API
processes or machines: the next request of a person may land on any of them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import writer_key
from adapters.redis.lane import Lane


class RecentWriters(Protocol):
    async def mark(self, user_id: UUID) -> None: ...

    async def wrote_lately(self, user_id: UUID) -> bool: ...


class InProcessRecentWriters:
    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._window_s = window_s
        self._clock = clock
        self._until: dict[UUID, float] = {}

    async def mark(self, user_id: UUID) -> None:
        now = self._clock()
        if len(self._until) > 10_000:  # forget the expired ones now and then
            self._until = {u: t for u, t in self._until.items() if t > now}
        self._until[user_id] = now + self._window_s

    async def wrote_lately(self, user_id: UUID) -> bool:
        return self._until.get(user_id, 0.0) > self._clock()


@translates_failures(REDIS)
class RedisRecentWriters:
    def __init__(
        self, redis: Redis, prefix: str, window_s: float, lane: Lane | None = None
    ) -> None:
        self._redis = redis
        # Every routed read asks: through the pipelined lane where there is one (a fifth
        # of redis-py's client CPU per command, bench_redis_cluster.py).
        self._lane = lane
        self._prefix = prefix
        self._window_ms = max(1, int(window_s * 1000))

    async def mark(self, user_id: UUID) -> None:
        key = writer_key(self._prefix, user_id)
        if self._lane is not None:
            await self._lane.execute("SET", key, b"1", "PX", self._window_ms)
        else:
            await self._redis.set(key, b"1", px=self._window_ms)

    async def wrote_lately(self, user_id: UUID) -> bool:
        key = writer_key(self._prefix, user_id)
        if self._lane is not None:
            return bool(await self._lane.execute("EXISTS", key))
        return bool(await self._redis.exists(key))
