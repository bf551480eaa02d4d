"""``FoodCache`` on Redis: ``SET key value EX ttl`` per answer of the FDC API."""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from adapters.nutrition.food_codec import dumps, loads
from domain.nutrition.food import Food

PREFIX = "psi:nutrition:fdc:"


class RedisFoodCache:
    def __init__(self, redis: Redis, *, prefix: str = PREFIX) -> None:
        self._redis = redis
        self._prefix = prefix

    async def get_foods(self, key: str) -> list[Food] | None:
        raw = await self._redis.get(self._prefix + key)
        return None if raw is None else loads(raw)

    async def put_foods(self, key: str, foods: Sequence[Food], ttl_s: int) -> None:
        await self._redis.set(self._prefix + key, dumps(foods), ex=max(1, int(ttl_s)))
