"""Ports of the preferences area: where preference documents live, and their cache."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.preferences.preferences import Preferences


class PreferencesStore(Protocol):
    """One preferences document per user."""

    async def get(self, user_id: UUID) -> Preferences | None: ...

    async def save(self, preferences: Preferences) -> None:
        """Insert or replace the user's document."""
        ...

    async def delete(self, user_id: UUID) -> bool: ...


class PreferencesCache(Protocol):
    """Cache-aside copy of preference documents (short TTL, invalidated on every write)."""

    async def get(self, user_id: UUID) -> Preferences | None: ...

    async def put(self, preferences: Preferences) -> None: ...

    async def invalidate(self, user_id: UUID) -> None: ...
