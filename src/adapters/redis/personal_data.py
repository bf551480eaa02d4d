"""Redis keys that name a person (caches, security state, quotas): purged, never exported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS


@translates_failures(REDIS)
class RedisPersonalData:
    name = "redis"

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._r = redis
        self._p = prefix

    def _pattern(self, user_id: UUID) -> str:
        return f"{self._p}*{user_id}*"

    async def sections(self) -> list[str]:
        return []

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        return
        yield

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        keys = []
        async for key in self._r.scan_iter(match=self._pattern(user_id), count=1000):
            keys.append(key)
            if len(keys) >= batch_size:
                break
        return await self._r.unlink(*keys) if keys else 0
