"""Every MongoDB document that belongs to a person, in any collection.

Documents name their owner in `user_id` (or `meta.user_id` for time-series
collections, `u` for idempotency keys), always as the UUID string.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from pymongo.asynchronous.database import AsyncDatabase

from adapters.failures import translates_failures
from adapters.mongo.failures import MONGODB

USER_FIELDS = ("user_id", "meta.user_id", "u")
SECTION_OF_COLLECTION = {
    "emotion_samples": "emotion_samples",
    "preferences": "preferences",
    "user_preferences": "preferences",
    "recipe_ratings": "recipe_ratings",
    "ratings": "recipe_ratings",
}
NOT_EXPORTED_SUFFIXES = ("_keys", "_dedup", "_idempotency")


def _owned_by(user_id: UUID) -> dict[str, Any]:
    return {"$or": [{field: str(user_id)} for field in USER_FIELDS]}


@translates_failures(MONGODB)
class MongoPersonalData:
    name = "mongodb"

    def __init__(self, db: AsyncDatabase) -> None:
        self._db = db

    async def _collections(self) -> list[str]:
        return sorted(
            n for n in await self._db.list_collection_names() if not n.startswith("system.")
        )

    async def sections(self) -> list[str]:
        return sorted(
            {
                SECTION_OF_COLLECTION.get(n, n)
                for n in await self._collections()
                if not n.endswith(NOT_EXPORTED_SUFFIXES)
            }
        )

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        for name in await self._collections():
            if name.endswith(NOT_EXPORTED_SUFFIXES):
                continue
            if SECTION_OF_COLLECTION.get(name, name) != section:
                continue
            async for doc in self._db[name].find(_owned_by(user_id), {"_id": 0}):
                yield doc

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        deleted = 0
        for name in await self._collections():
            coll = self._db[name]
            ids = [
                d["_id"]
                async for d in coll.find(_owned_by(user_id), {"_id": 1}).limit(batch_size - deleted)
            ]
            if ids:
                deleted += (await coll.delete_many({"_id": {"$in": ids}})).deleted_count
            if deleted >= batch_size:
                break
        return deleted
