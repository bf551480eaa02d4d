"""Use cases for a person's preferences: read (cache-aside), replace, merge."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.preferences import PreferencesCache, PreferencesStore
from domain.errors import ValidationFailed
from domain.preferences.preferences import (
    Preferences,
    default_preferences,
    merge_patch,
    preferences_from_document,
    stamped,
)


class NoCache:
    """The embedded profile's cache: none (SQLite is local; several API processes
    must never serve each other stale preferences)."""

    async def get(self, user_id: UUID) -> Preferences | None:
        return None

    async def put(self, preferences: Preferences) -> None:
        return None

    async def invalidate(self, user_id: UUID) -> None:
        return None


def _check_timezone(preferences: Preferences) -> None:
    name = preferences.ui_preferences.timezone
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.single(
            "ui_preferences.timezone", f"unknown time zone {name!r}"
        ) from None


@dataclass(slots=True)
class GetPreferences:
    """Cache-aside read; a person who never saved preferences gets the defaults."""

    store: PreferencesStore
    cache: PreferencesCache

    async def __call__(self, user_id: UUID) -> Preferences:
        cached = await self.cache.get(user_id)
        if cached is not None:
            return cached
        stored = await self.store.get(user_id)
        if stored is None:
            return default_preferences(user_id)
        await self.cache.put(stored)
        return stored


@dataclass(slots=True)
class ReplacePreferences:
    store: PreferencesStore
    cache: PreferencesCache
    clock: Clock

    async def __call__(self, user_id: UUID, document: dict[str, object]) -> Preferences:
        preferences = stamped(preferences_from_document(user_id, document), self.clock.now())
        _check_timezone(preferences)
        await self.store.save(preferences)
        await self.cache.invalidate(user_id)
        return preferences


@dataclass(slots=True)
class PatchPreferences:
    store: PreferencesStore
    cache: PreferencesCache
    clock: Clock

    async def __call__(self, user_id: UUID, patch: dict[str, object]) -> Preferences:
        # Merge onto the stored document, never onto a cached copy.
        current = await self.store.get(user_id) or default_preferences(user_id)
        preferences = stamped(merge_patch(current, patch), self.clock.now())
        _check_timezone(preferences)
        await self.store.save(preferences)
        await self.cache.invalidate(user_id)
        return preferences
