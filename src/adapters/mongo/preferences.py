"""Preferences documents on MongoDB: collection `user_preferences`, unique `user_id`."""

from __future__ import annotations

from uuid import UUID

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from adapters.failures import translates_failures
from adapters.mongo.failures import MONGODB
from adapters.mongo.setup import indexes_once
from domain.preferences.preferences import Preferences, preferences_from_document

COLLECTION = "user_preferences"


@translates_failures(MONGODB)
class MongoPreferencesStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[COLLECTION]
        self.ensure_indexes = indexes_once(
            self._collection,
            IndexModel([("user_id", ASCENDING)], unique=True, name="user_id_unique"),
        )

    async def get(self, user_id: UUID) -> Preferences | None:
        await self.ensure_indexes()
        doc = await self._collection.find_one({"user_id": str(user_id)}, {"_id": 0})
        if doc is None:
            return None
        document = {k: v for k, v in doc.items() if k not in ("user_id", "updated_at")}
        return preferences_from_document(user_id, document, doc.get("updated_at"))

    async def save(self, preferences: Preferences) -> None:
        await self.ensure_indexes()
        await self._collection.replace_one(
            {"user_id": str(preferences.user_id)},
            {
                "user_id": str(preferences.user_id),
                **preferences.to_document(),
                "updated_at": preferences.updated_at,
            },
            upsert=True,
        )

    async def delete(self, user_id: UUID) -> bool:
        await self.ensure_indexes()
        result = await self._collection.delete_one({"user_id": str(user_id)})
        return result.deleted_count > 0
