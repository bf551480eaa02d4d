"""``FoodCache`` on Redis: ``SET key value EX ttl`` per answer of the FDC API."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.nutrition.food_codec import dumps, loads
from adapters.redis.failures import REDIS
from domain.nutrition.food import Food

PREFIX = "psi:nutrition:fdc:"


@translates_failures(REDIS)
class RedisFoodCache:
    def __init__(self, redis: Redis, *, prefix: str = PREFIX) -> None:
        self._redis = redis
        self._prefix = prefix

    async def get_foods(self, key: str) -> list[Food] | None:
        raw = await self._redis.get(self._prefix + key)
        return None if raw is None else loads(raw)

    async def put_foods(self, key: str, foods: Sequence[Food], ttl_s: int) -> None:
        await self._redis.set(self._prefix + key, dumps(foods), ex=max(1, int(ttl_s)))
