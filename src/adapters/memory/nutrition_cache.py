"""``FoodCache`` in process memory, with expiry on a monotonic clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from domain.nutrition.food import Food


class MemoryFoodCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: dict[str, tuple[float, list[Food]]] = {}

    async def get_foods(self, key: str) -> list[Food] | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, foods = item
        if self._clock() >= expires:
            del self._items[key]
            return None
        return list(foods)

    async def put_foods(self, key: str, foods: Sequence[Food], ttl_s: int) -> None:
        self._items[key] = (self._clock() + ttl_s, list(foods))
