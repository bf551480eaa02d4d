"""A person's stored photos: purged with the account (their references are exported with
the food history)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from application.ports.vision import ImageStore


class ImagePersonalData:
    name = "images"

    def __init__(self, store: ImageStore) -> None:
        self._store = store

    async def sections(self) -> list[str]:
        return []

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        return
        yield

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        return await self._store.delete_owner(str(user_id))
