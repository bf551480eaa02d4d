"""Recipe ratings on every adapter: one per (user, recipe), upserted, averaged."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.errors import DuplicateKeyError

from adapters.memory.recipes import MemoryRecipeRatings
from adapters.mongo.ratings import MongoRecipeRatings
from adapters.sql.recipes_ratings import SqlRecipeRatings
from domain.recipes.rating import Rating

T0 = datetime(2026, 11, 10, 14, 30, tzinfo=UTC)


def rating(user, recipe, stars, at=T0, **kw) -> Rating:
    return Rating(
        user_id=user,
        recipe_id=recipe,
        rating=stars,
        comment=kw.get("comment"),
        tags=kw.get("tags", ()),
        preparation_time_actual=kw.get("minutes"),
        difficulty_actual=kw.get("difficulty"),
        created_at=at,
        updated_at=at,
    )


@pytest.fixture
async def ratings(document_store):
    kind, handle = document_store
    if kind == "memory":
        yield MemoryRecipeRatings()
    elif kind == "mongo":
        yield MongoRecipeRatings(handle)
    else:
        yield SqlRecipeRatings(handle)


async def test_upsert_keeps_one_rating_and_its_creation_time(ratings):
    user, recipe = uuid.uuid4(), uuid.uuid4()
    first = await ratings.upsert(
        rating(user, recipe, 2, comment="meh", tags=("quick",), minutes=25, difficulty=2)
    )
    assert first == rating(
        user, recipe, 2, comment="meh", tags=("quick",), minutes=25, difficulty=2
    )
    later = T0 + timedelta(days=1)
    second = await ratings.upsert(rating(user, recipe, 5, at=later))
    assert second == replace(rating(user, recipe, 5, at=later), created_at=T0)
    assert await ratings.get(user, recipe) == second


async def test_summaries_average_per_recipe(ratings):
    a, b = uuid.uuid4(), uuid.uuid4()
    users = [uuid.uuid4() for _ in range(3)]
    for user, stars in zip(users, (5, 4, 4), strict=True):
        await ratings.upsert(rating(user, a, stars))
    await ratings.upsert(rating(users[0], b, 1))
    summaries = await ratings.summaries([a, b, uuid.uuid4()])
    assert set(summaries) == {a, b}
    assert (summaries[a].average, summaries[a].count) == (4.33, 3)
    assert (summaries[b].average, summaries[b].count) == (1.0, 1)
    assert await ratings.summaries([]) == {}


async def test_delete_and_the_per_user_views(ratings):
    user, other = uuid.uuid4(), uuid.uuid4()
    recipes = [uuid.uuid4() for _ in range(3)]
    for i, recipe in enumerate(recipes):
        await ratings.upsert(rating(user, recipe, 3, at=T0 + timedelta(minutes=i)))
    await ratings.upsert(rating(other, recipes[0], 4))
    assert [r.recipe_id for r in await ratings.for_user(user)] == recipes[::-1]
    assert await ratings.delete(user, recipes[0]) is True
    assert await ratings.delete(user, recipes[0]) is False
    assert await ratings.get(user, recipes[0]) is None
    assert await ratings.delete_for_user(user) == 2
    assert await ratings.for_user(user) == []
    assert len(await ratings.for_user(other)) == 1


@pytest.mark.mongo
async def test_mongo_keeps_user_and_recipe_unique(mongo_db):
    ratings = MongoRecipeRatings(mongo_db)
    user, recipe = uuid.uuid4(), uuid.uuid4()
    await ratings.upsert(rating(user, recipe, 3))
    with pytest.raises(DuplicateKeyError):
        await mongo_db["recipe_ratings"].insert_one(
            {"user_id": str(user), "recipe_id": str(recipe), "rating": 1}
        )
