"""Recipe ratings on MongoDB: collection `recipe_ratings`, unique (`user_id`, `recipe_id`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from adapters.failures import translates_failures
from adapters.mongo.failures import MONGODB
from adapters.mongo.setup import indexes_once
from domain.recipes.rating import Rating, RatingSummary

COLLECTION = "recipe_ratings"


def _to_rating(doc: dict[str, Any]) -> Rating:
    return Rating(
        user_id=UUID(doc["user_id"]),
        recipe_id=UUID(doc["recipe_id"]),
        rating=int(doc["rating"]),
        comment=doc.get("comment"),
        tags=tuple(doc.get("tags") or ()),
        preparation_time_actual=doc.get("preparation_time_actual"),
        difficulty_actual=doc.get("difficulty_actual"),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
    )


@translates_failures(MONGODB)
class MongoRecipeRatings:
    def __init__(self, db: AsyncDatabase) -> None:
        self._collection = db[COLLECTION]
        self.ensure_indexes = indexes_once(
            self._collection,
            IndexModel(
                [("user_id", ASCENDING), ("recipe_id", ASCENDING)],
                unique=True,
                name="user_recipe_unique",
            ),
            IndexModel([("recipe_id", ASCENDING)], name="recipe_id"),
        )

    async def upsert(self, rating: Rating) -> Rating:
        await self.ensure_indexes()
        key = {"user_id": str(rating.user_id), "recipe_id": str(rating.recipe_id)}
        doc = await self._collection.find_one_and_update(
            key,
            {
                "$set": {
                    "rating": rating.rating,
                    "comment": rating.comment,
                    "tags": list(rating.tags),
                    "preparation_time_actual": rating.preparation_time_actual,
                    "difficulty_actual": rating.difficulty_actual,
                    "updated_at": rating.updated_at,
                },
                "$setOnInsert": {"created_at": rating.created_at},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
            projection={"_id": 0},
        )
        return _to_rating(doc)

    async def get(self, user_id: UUID, recipe_id: UUID) -> Rating | None:
        await self.ensure_indexes()
        doc = await self._collection.find_one(
            {"user_id": str(user_id), "recipe_id": str(recipe_id)}, {"_id": 0}
        )
        return _to_rating(doc) if doc else None

    async def delete(self, user_id: UUID, recipe_id: UUID) -> bool:
        await self.ensure_indexes()
        result = await self._collection.delete_one(
            {"user_id": str(user_id), "recipe_id": str(recipe_id)}
        )
        return result.deleted_count > 0

    async def summaries(self, recipe_ids: Sequence[UUID]) -> dict[UUID, RatingSummary]:
        if not recipe_ids:
            return {}
        await self.ensure_indexes()
        cursor = await self._collection.aggregate(
            [
                {"$match": {"recipe_id": {"$in": [str(i) for i in recipe_ids]}}},
                {
                    "$group": {
                        "_id": "$recipe_id",
                        "average": {"$avg": "$rating"},
                        "count": {"$sum": 1},
                    }
                },
            ]
        )
        return {
            UUID(d["_id"]): RatingSummary(round(float(d["average"]), 2), int(d["count"]))
            async for d in cursor
        }

    async def for_user(self, user_id: UUID) -> list[Rating]:
        await self.ensure_indexes()
        cursor = self._collection.find({"user_id": str(user_id)}, {"_id": 0}).sort(
            [("updated_at", DESCENDING), ("recipe_id", DESCENDING)]
        )
        return [_to_rating(d) async for d in cursor]

    async def delete_for_user(self, user_id: UUID) -> int:
        await self.ensure_indexes()
        result = await self._collection.delete_many({"user_id": str(user_id)})
        return int(result.deleted_count)
