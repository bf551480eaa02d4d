"""Answers to catalogue searches, kept a short while in the process.

Searches repeat (everyone logs bananas and rice) and their answer depends on the query
alone, never on who asks, so a process keeps each answer for ``ttl_s``. An empty answer is
kept for ``empty_ttl_s`` only, so a food imported while the process runs is searchable
within a second (the same rule as ``LookupNutrition``'s misses).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

ANSWER_TTL_S = 60.0
EMPTY_TTL_S = 1.0
MAX_ANSWERS = 2048


class AnswerCache(Generic[T]):
    def __init__(
        self,
        *,
        ttl_s: float = ANSWER_TTL_S,
        empty_ttl_s: float = EMPTY_TTL_S,
        max_entries: int = MAX_ANSWERS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._empty_ttl_s = empty_ttl_s
        self._max = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()

    def get(self, key: Hashable) -> T | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        if hit[0] <= self._monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return hit[1]

    def put(self, key: Hashable, value: T, *, empty: bool) -> None:
        ttl = self._empty_ttl_s if empty else self._ttl_s
        if ttl <= 0 or self._max <= 0:
            return
        self._entries[key] = (self._monotonic() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


class SearchAnswers(AnswerCache[bytes]):
    """This process's recent food-search answers, encoded (see ``AnswerCache``)."""
