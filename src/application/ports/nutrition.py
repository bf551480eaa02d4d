"""Ports of the nutrition area: where foods are searched, stored, cached and imported from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from domain.nutrition.food import Food


class FoodCatalog(Protocol):
    """Foods with nutrients per 100 g, searchable by name."""

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        """Foods whose names contain the query's words.

        The query is normalised with ``domain.nutrition.text.tokens``; a food qualifies when
        every word (``match_all``) or at least one word is a prefix of one of its name's
        words. A local store returns them ordered by data-set rank, then name length, then
        id, at most ``limit``; a remote source may use its own relevance order. Ranking is
        the caller's job.
        """
        ...

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        """The foods with these ids (unknown ids are left out), in no particular order."""
        ...


class NutritionStore(FoodCatalog, Protocol):
    """The service's own copy of the USDA data."""

    async def upsert_many(self, foods: Sequence[Food]) -> None:
        """Insert or replace foods by id; importing the same foods twice changes nothing."""
        ...

    async def count(self, *, generic_only: bool = False) -> int: ...


class FoodCache(Protocol):
    """A short-lived copy of answers from a remote nutrition source."""

    async def get_foods(self, key: str) -> list[Food] | None:
        """The foods stored under ``key``; ``None`` on a miss (an empty list is a hit)."""
        ...

    async def put_foods(self, key: str, foods: Sequence[Food], ttl_s: int) -> None: ...


class UsdaFoodSource(Protocol):
    """USDA foods read from an offline extract."""

    def foods(self, *, include_branded: bool) -> Iterator[Food]: ...

    def estimated_count(self, *, include_branded: bool) -> int | None:
        """Roughly how many foods ``foods`` will yield (for a progress bar)."""
        ...
