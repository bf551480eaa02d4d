"""A person's stored photos and their sizes: listed in the export (section `images`,
beside the `image_ref` of each food history entry) and purged with the account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from application.ports.vision import ImageStore

SECTION = "images"


class ImagePersonalData:
    name = "images"

    def __init__(self, store: ImageStore) -> None:
        self._store = store

    async def sections(self) -> list[str]:
        return [SECTION]

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        if section != SECTION:
            return
        for key in await self._store.keys_of(str(user_id)):
            name = key.rsplit("/", 1)[1].split(".")
            yield {"key": key, "variant": name[1] if len(name) == 3 else "original"}

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        return await self._store.delete_owner(str(user_id))
