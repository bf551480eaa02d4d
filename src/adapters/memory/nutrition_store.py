"""In-process nutrition store: the whole catalogue in dicts, with a prefix word index."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from domain.nutrition.food import Food
from domain.nutrition.text import tokens


class MemoryNutritionStore:
    """``NutritionStore`` for tests and single-process use; same ordering as the SQL stores."""

    def __init__(self) -> None:
        self._foods: dict[int, Food] = {}
        self._index: dict[str, set[int]] = {}
        self._vocabulary: list[str] = []
        self._dirty = False

    async def upsert_many(self, foods: Sequence[Food]) -> None:
        for food in foods:
            old = self._foods.get(food.id)
            if old is not None:
                for word in tokens(old.name):
                    self._index[word].discard(food.id)
            self._foods[food.id] = food
            for word in tokens(food.name):
                self._index.setdefault(word, set()).add(food.id)
        self._dirty = True

    async def count(self, *, generic_only: bool = False) -> int:
        if not generic_only:
            return len(self._foods)
        return sum(1 for food in self._foods.values() if food.data_type.is_generic)

    def _words_with_prefix(self, prefix: str) -> set[int]:
        if self._dirty:
            self._vocabulary = sorted(word for word, ids in self._index.items() if ids)
            self._dirty = False
        start = bisect.bisect_left(self._vocabulary, prefix)
        ids: set[int] = set()
        for word in self._vocabulary[start:]:
            if not word.startswith(prefix):
                break
            ids |= self._index[word]
        return ids

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        words = tokens(query)
        if not words or limit < 1:
            return []
        sets = [self._words_with_prefix(word) for word in words]
        ids = set.intersection(*sets) if match_all else set.union(*sets)
        foods = [
            self._foods[i] for i in ids if include_branded or self._foods[i].data_type.is_generic
        ]
        foods.sort(key=lambda f: (f.data_type.rank, len(f.name), f.id))
        return foods[:limit]

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        return [self._foods[i] for i in dict.fromkeys(food_ids) if i in self._foods]
