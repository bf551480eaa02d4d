"""In-process preferences store and cache (tests, and single-process tools)."""

from __future__ import annotations

from uuid import UUID

from domain.preferences.preferences import Preferences


class MemoryPreferencesStore:
    def __init__(self) -> None:
        self._items: dict[UUID, Preferences] = {}

    async def get(self, user_id: UUID) -> Preferences | None:
        return self._items.get(user_id)

    async def save(self, preferences: Preferences) -> None:
        self._items[preferences.user_id] = preferences

    async def delete(self, user_id: UUID) -> bool:
        return self._items.pop(user_id, None) is not None


class MemoryPreferencesCache:
    """A plain dict: what the cache-aside logic needs, with hit/miss counters for tests."""

    def __init__(self) -> None:
        self._items: dict[UUID, Preferences] = {}
        self.hits = 0
        self.misses = 0

    async def get(self, user_id: UUID) -> Preferences | None:
        found = self._items.get(user_id)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    async def put(self, preferences: Preferences) -> None:
        self._items[preferences.user_id] = preferences

    async def invalidate(self, user_id: UUID) -> None:
        self._items.pop(user_id, None)
