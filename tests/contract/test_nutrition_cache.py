"""The FDC answer cache port on memory and Redis, and cache-aside on top of it."""

from __future__ import annotations

import uuid

import pytest

from adapters.memory.nutrition_cache import MemoryFoodCache
from adapters.nutrition.redis_cache import RedisFoodCache
from application.nutrition.caching import SEVEN_DAYS_S, CachingFoodCatalog
from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.nutrients import Nutrients

BANANA = Food(
    id=173944,
    fdc_id=173944,
    name="Bananas, raw",
    data_type=DataType.SR_LEGACY,
    category="Fruits and Fruit Juices",
    portion=Portion(225.0, "1 cup, mashed"),
    per_100g=Nutrients(
        calories=89.0,
        protein_g=1.09,
        carbs_g=22.84,
        fat_g=0.33,
        fiber_g=2.6,
        sugar_g=None,
        vitamins={"vitamin_c_mg": 8.7},
        minerals={"potassium_mg": 358.0},
        lipids={"saturated_fat_g": 0.112},
    ),
)


@pytest.fixture(params=["memory", "redis"])
def cache(request):
    if request.param == "memory":
        return MemoryFoodCache()
    client = request.getfixturevalue("redis_client")
    return RedisFoodCache(client, prefix=f"psi-test-{uuid.uuid4().hex[:8]}:nutrition:")


async def test_miss_then_hit_keeps_foods_exactly(cache) -> None:
    assert await cache.get_foods("food:173944") is None
    await cache.put_foods("food:173944", [BANANA], SEVEN_DAYS_S)
    assert await cache.get_foods("food:173944") == [BANANA]


async def test_an_empty_answer_is_a_hit(cache) -> None:
    await cache.put_foods("food:1", [], 60)
    assert await cache.get_foods("food:1") == []


async def test_redis_entries_expire_after_seven_days(redis_client) -> None:
    client = redis_client
    prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
    await RedisFoodCache(client, prefix=prefix).put_foods("food:2", [BANANA], SEVEN_DAYS_S)
    ttl = await client.ttl(prefix + "food:2")
    assert SEVEN_DAYS_S - 5 <= ttl <= SEVEN_DAYS_S
    await client.delete(prefix + "food:2")


class CountingCatalog:
    def __init__(self) -> None:
        self.calls = 0

    async def candidates(self, query, *, match_all, limit, include_branded=True):
        self.calls += 1
        return [BANANA] if "banana" in query.lower() else []

    async def get_many(self, food_ids):
        self.calls += 1
        return [BANANA] if BANANA.id in food_ids else []


class BrokenCache:
    async def get_foods(self, key):
        raise ConnectionError("cache down")

    async def put_foods(self, key, foods, ttl_s):
        raise ConnectionError("cache down")


async def test_cache_aside_over_each_cache(cache) -> None:
    inner = CountingCatalog()
    cached = CachingFoodCatalog(inner, cache)
    for _ in range(3):
        assert await cached.candidates("Bananas", match_all=True, limit=5) == [BANANA]
    assert await cached.get_many([173944]) == [BANANA]
    assert await cached.get_many([173944]) == [BANANA]
    assert inner.calls == 2


async def test_a_broken_cache_degrades_to_the_source() -> None:
    inner = CountingCatalog()
    cached = CachingFoodCatalog(inner, BrokenCache())
    assert await cached.candidates("banana", match_all=True, limit=5) == [BANANA]
    assert await cached.get_many([173944]) == [BANANA]
    assert inner.calls == 2
