"""Cache-aside in front of a remote food catalogue (the FDC API): answers kept 7 days."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from application.ports.nutrition import FoodCache, FoodCatalog
from domain.nutrition.food import Food
from domain.nutrition.text import normalize

SEVEN_DAYS_S = 7 * 24 * 3600
log = logging.getLogger(__name__)


def search_key(query: str, *, match_all: bool, limit: int, include_branded: bool) -> str:
    words = normalize(query)
    digest = hashlib.sha256(words.encode()).hexdigest()[:32]
    return f"search:{int(match_all)}:{int(include_branded)}:{limit}:{digest}"


def food_key(food_id: int) -> str:
    return f"food:{food_id}"


class CachingFoodCatalog:
    """A ``FoodCatalog`` that asks ``inner`` only on a cache miss, then remembers the answer.

    A failing cache never fails a lookup: the inner catalogue answers instead.
    """

    def __init__(self, inner: FoodCatalog, cache: FoodCache, *, ttl_s: int = SEVEN_DAYS_S) -> None:
        self._inner = inner
        self._cache = cache
        self._ttl_s = ttl_s

    async def _cached(self, key: str) -> list[Food] | None:
        try:
            return await self._cache.get_foods(key)
        except Exception as exc:  # a cache outage degrades to a miss
            log.warning("nutrition cache read failed: %s", type(exc).__name__)
            return None

    async def _remember(self, key: str, foods: Sequence[Food]) -> None:
        try:
            await self._cache.put_foods(key, foods, self._ttl_s)
        except Exception as exc:  # a cache outage must not fail the lookup
            log.warning("nutrition cache write failed: %s", type(exc).__name__)

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        key = search_key(query, match_all=match_all, limit=limit, include_branded=include_branded)
        hit = await self._cached(key)
        if hit is not None:
            return hit
        foods = await self._inner.candidates(
            query, match_all=match_all, limit=limit, include_branded=include_branded
        )
        await self._remember(key, foods)
        return foods

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        found: list[Food] = []
        missing: list[int] = []
        for food_id in dict.fromkeys(food_ids):
            hit = await self._cached(food_key(food_id))
            if hit is None:
                missing.append(food_id)
            else:
                found.extend(hit)
        if missing:
            fetched = await self._inner.get_many(missing)
            by_id = {food.id: food for food in fetched}
            for food_id in missing:
                food = by_id.get(food_id)
                # Unknown ids are remembered too (as an empty answer), so they cost one call.
                await self._remember(food_key(food_id), [food] if food else [])
            found.extend(fetched)
        return found
