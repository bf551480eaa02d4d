"""The preferences store and its cache, on every adapter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pymongo.errors import DuplicateKeyError

from adapters.memory.preferences import MemoryPreferencesCache, MemoryPreferencesStore
from adapters.mongo.preferences import MongoPreferencesStore
from adapters.redis.connect import lane_for
from adapters.redis.preferences_cache import RedisPreferencesCache
from adapters.sql.preferences import SqlPreferencesStore
from domain.preferences.preferences import preferences_from_document

T0 = datetime(2026, 11, 10, 14, 30, tzinfo=UTC)
DOC = {
    "dietary_restrictions": ["vegan"],
    "allergens": ["peanuts", "sesame"],
    "disliked_foods": ["olives"],
    "preferred_cuisines": ["thai"],
    "wellness_goals": ["better_sleep", "hydration"],
    "notification_preferences": {
        "weekly_summary": False,
        "channels": ["email"],
        "quiet_hours_start": "22:30",
        "quiet_hours_end": "06:45",
    },
    "ui_preferences": {"theme": "dark", "timezone": "America/New_York", "week_starts_on": "sunday"},
}


@pytest.fixture
async def store(document_store):
    kind, handle = document_store
    if kind == "memory":
        yield MemoryPreferencesStore()
    elif kind == "mongo":
        yield MongoPreferencesStore(handle)
    else:
        yield SqlPreferencesStore(handle)


async def test_a_saved_document_reads_back_equal(store):
    user = uuid.uuid4()
    assert await store.get(user) is None
    prefs = preferences_from_document(user, DOC, T0)
    await store.save(prefs)
    assert await store.get(user) == prefs


async def test_saving_again_replaces_the_one_document(store):
    user, other = uuid.uuid4(), uuid.uuid4()
    await store.save(preferences_from_document(user, DOC, T0))
    await store.save(preferences_from_document(other, {"allergens": ["milk"]}, T0))
    replaced = preferences_from_document(user, {"allergens": ["fish"]}, T0)
    await store.save(replaced)
    assert await store.get(user) == replaced
    assert (await store.get(other)).allergens == {"milk"}


async def test_delete_removes_only_that_user(store):
    user, other = uuid.uuid4(), uuid.uuid4()
    await store.save(preferences_from_document(user, DOC, T0))
    await store.save(preferences_from_document(other, DOC, T0))
    assert await store.delete(user) is True
    assert await store.delete(user) is False
    assert await store.get(user) is None
    assert await store.get(other) is not None


@pytest.mark.mongo
async def test_mongo_keeps_user_id_unique(mongo_db):
    store = MongoPreferencesStore(mongo_db)
    user = uuid.uuid4()
    await store.save(preferences_from_document(user, DOC, T0))
    with pytest.raises(DuplicateKeyError):
        await mongo_db["user_preferences"].insert_one({"user_id": str(user)})
    assert await mongo_db["user_preferences"].count_documents({"user_id": str(user)}) == 1


@pytest.fixture(params=["memory", "redis", "redis (lane)", "redis cluster", "redis cluster (lane)"])
def cache(request):
    if request.param == "memory":
        return MemoryPreferencesCache()
    cluster = request.param.startswith("redis cluster")
    client = request.getfixturevalue("redis_cluster_client" if cluster else "redis_client")
    lane = lane_for(client) if request.param.endswith("(lane)") else None
    return RedisPreferencesCache(client, f"psi-test-{uuid.uuid4().hex[:8]}:", ttl_s=60, lane=lane)


async def test_cache_holds_and_invalidates(cache):
    user = uuid.uuid4()
    assert await cache.get(user) is None
    prefs = preferences_from_document(user, DOC, T0)
    await cache.put(prefs)
    assert await cache.get(user) == prefs
    await cache.invalidate(user)
    assert await cache.get(user) is None


async def test_each_read_answers_the_document_stored_now(cache):
    """Reads of the same stored bytes may share one parsed document (Redis keeps one per
    process); a changed document, or another person's identical one, is never mixed up."""
    user, other = uuid.uuid4(), uuid.uuid4()
    first = preferences_from_document(user, DOC, T0)
    changed = preferences_from_document(user, {**DOC, "allergens": ["milk"]}, T0)
    for expected in (first, changed, first):
        await cache.put(expected)
        assert await cache.get(user) == expected
        assert await cache.get(user) == expected
    await cache.put(preferences_from_document(other, DOC, T0))
    assert (await cache.get(other)).user_id == other
    assert (await cache.get(user)).user_id == user
