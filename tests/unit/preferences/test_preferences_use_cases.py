"""Preferences use cases: defaults, replace, merge, and cache-aside invalidated on write."""

from __future__ import annotations

import uuid

import pytest

from adapters.clock import ManualClock
from adapters.memory.preferences import MemoryPreferencesCache, MemoryPreferencesStore
from application.preferences.use_cases import GetPreferences, PatchPreferences, ReplacePreferences
from domain.errors import ValidationFailed
from domain.recipes.vocabulary import Allergen


@pytest.fixture
def parts():
    return MemoryPreferencesStore(), MemoryPreferencesCache(), ManualClock()


async def test_someone_who_never_saved_gets_defaults_and_nothing_is_cached(parts):
    store, cache, _ = parts
    prefs = await GetPreferences(store, cache)(uuid.uuid4())
    assert prefs.allergens == frozenset() and prefs.updated_at is None


async def test_reads_are_cached_and_every_write_invalidates(parts):
    store, cache, clock = parts
    user = uuid.uuid4()
    get = GetPreferences(store, cache)
    await ReplacePreferences(store, cache, clock)(user, {"allergens": ["milk"]})
    first = await get(user)
    assert first.allergens == {Allergen.MILK} and cache.misses == 1
    assert await get(user) == first and cache.hits == 1
    clock.advance(minutes=1)
    await PatchPreferences(store, cache, clock)(user, {"allergens": ["eggs"]})
    after_patch = await get(user)
    assert after_patch.allergens == {Allergen.EGGS}
    assert after_patch.updated_at > first.updated_at
    await ReplacePreferences(store, cache, clock)(user, {})
    assert (await get(user)).allergens == frozenset()


async def test_patch_merges_onto_the_store_not_a_stale_cache(parts):
    store, cache, clock = parts
    user = uuid.uuid4()
    await ReplacePreferences(store, cache, clock)(
        user, {"allergens": ["milk"], "wellness_goals": ["hydration"]}
    )
    await GetPreferences(store, cache)(user)  # cached
    stored = await store.get(user)
    await store.save(
        stored.__class__(
            **{**{f: getattr(stored, f) for f in stored.__slots__}, "wellness_goals": frozenset()}
        )
    )
    patched = await PatchPreferences(store, cache, clock)(user, {"allergens": ["fish"]})
    assert patched.wellness_goals == frozenset()


async def test_unknown_time_zones_are_refused(parts):
    store, cache, clock = parts
    with pytest.raises(ValidationFailed):
        await ReplacePreferences(store, cache, clock)(
            uuid.uuid4(), {"ui_preferences": {"timezone": "Mars/Olympus_Mons"}}
        )
