"""The FDC API adapter over a local server speaking FDC's wire format."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.memory.nutrition_cache import MemoryFoodCache
from adapters.nutrition.fdc_api import FdcApiCatalog
from application.nutrition.caching import CachingFoodCatalog
from application.nutrition.lookup import LookupNutrition
from domain.errors import DependencyUnavailable
from domain.nutrition.food import DataType
from tests.unit.nutrition.fdc_server import API_KEY, FakeFdc


@pytest.fixture
def fdc() -> Iterator[FakeFdc]:
    server = FakeFdc().start()
    yield server
    server.stop()


@pytest.fixture
async def catalog(fdc: FakeFdc) -> AsyncIterator[FdcApiCatalog]:
    api = FdcApiCatalog(API_KEY, base_url=fdc.url, timeout_s=0.5)
    yield api
    await api.aclose()


async def test_search_maps_fdc_records_to_foods(catalog: FdcApiCatalog, fdc: FakeFdc) -> None:
    foods = {
        f.name: f
        for f in await catalog.candidates("apples", match_all=True, limit=10, include_branded=False)
    }
    assert set(foods) == {
        "Apples, fuji, with skin, raw",
        "Apple, raw",
        "Apples, raw, without skin",
    }  # Experimental records are skipped
    fuji = foods["Apples, fuji, with skin, raw"]
    assert (fuji.fdc_id, fuji.id, fuji.data_type) == (1750339, 1750339, DataType.FOUNDATION)
    assert fuji.per_100g.calories == 65.0  # Atwater specific before general
    assert fuji.per_100g.sugar_g == 13.33
    assert fuji.portion is None
    peeled = foods["Apples, raw, without skin"]
    assert peeled.per_100g.calories == 48.0  # kJ is never read as kcal
    assert peeled.per_100g.lipids == {"cholesterol_mg": 0.0}
    # One typical unit (its largest-listed whole apple here), not FDC's first measure.
    assert (peeled.portion.grams, peeled.portion.name) == (216.0, '1 large (3-1/4" dia)')
    assert (110.0, "1 cup slices") in {(p.grams, p.name) for p in peeled.portions}
    raw = foods["Apple, raw"]
    assert raw.data_type is DataType.SURVEY and raw.category == "Apples"
    assert raw.per_100g.vitamins["vitamin_k_ug"] == 2.2

    path, body, headers = fdc.requests[-1]
    assert path == "/v1/foods/search"
    assert body["query"] == "apple" and body["requireAllWords"] is True
    assert "Branded" not in body["dataType"]
    assert headers["X-Api-Key"] == API_KEY  # the key travels in a header, not the URL


async def test_ids_are_fetched_at_most_twenty_a_call(catalog: FdcApiCatalog, fdc: FakeFdc) -> None:
    ids = [173944, 170379, *range(900_000, 900_045)]
    foods = {f.fdc_id: f for f in await catalog.get_many(ids)}
    assert set(foods) == {173944, 170379}
    calls = [body["fdcIds"] for path, body, _ in fdc.requests if path == "/v1/foods"]
    assert [len(c) for c in calls] == [20, 20, 7]
    banana = foods[173944]
    assert banana.category == "Fruits and Fruit Juices"
    assert banana.per_100g.calories == 89.0 and banana.per_100g.protein_g == 1.09
    assert banana.per_100g.minerals["potassium_mg"] == 358.0
    assert banana.per_100g.lipids["saturated_fat_g"] == 0.112
    assert banana.portion.grams == 118.0 and banana.portion.name.startswith("1 medium")
    assert (225.0, "1 cup, mashed") in {(p.grams, p.name) for p in banana.portions}
    assert banana.ndb_number == "09040"


@pytest.mark.parametrize("mode", ["429", "500", "garbage", "wrong-shape", "slow"])
async def test_failures_become_dependency_unavailable(
    catalog: FdcApiCatalog, fdc: FakeFdc, mode: str
) -> None:
    fdc.mode = mode
    with pytest.raises(DependencyUnavailable) as info:
        await catalog.candidates("apple", match_all=True, limit=5)
    assert info.value.details["dependency"] == "fdc"
    with pytest.raises(DependencyUnavailable):
        await catalog.get_many([173944])


async def test_a_wrong_key_is_a_dependency_failure_not_a_crash(fdc: FakeFdc) -> None:
    api = FdcApiCatalog("wrong", base_url=fdc.url, timeout_s=0.5)
    try:
        with pytest.raises(DependencyUnavailable, match="403"):
            await api.candidates("apple", match_all=True, limit=5)
    finally:
        await api.aclose()


async def test_cache_aside_asks_the_api_once_per_week(catalog: FdcApiCatalog, fdc: FakeFdc) -> None:
    now = [0.0]
    cached = CachingFoodCatalog(catalog, MemoryFoodCache(clock=lambda: now[0]))
    first = await cached.candidates("apple", match_all=True, limit=10)
    again = await cached.candidates("Apples", match_all=True, limit=10)
    assert [f.id for f in again] == [f.id for f in first]
    assert len(fdc.requests) == 1
    await cached.get_many([173944, 999])
    await cached.get_many([173944, 999])
    assert len(fdc.requests) == 2  # unknown ids are remembered as unknown too
    now[0] = 7 * 24 * 3600 + 1
    await cached.candidates("apple", match_all=True, limit=10)
    assert len(fdc.requests) == 3


async def test_lookup_over_the_api(catalog: FdcApiCatalog) -> None:
    found = await LookupNutrition(catalog)("apple")
    assert found is not None
    assert found.food_name == "Apple, raw" and found.fdc_id == 1102644
    # One medium apple, not FNDDS's first measure (a cup, chopped) nor a flat 100 g.
    assert (found.portion_grams, found.portion_name) == (182.0, '1 medium (3" dia)')


async def test_offline_store_first_then_the_api(catalog: FdcApiCatalog, fdc: FakeFdc) -> None:
    from pathlib import Path

    from adapters.memory.nutrition_store import MemoryNutritionStore
    from adapters.nutrition.usda_csv import UsdaCsvSource
    from application.nutrition.fallback import FallbackFoodCatalog

    sample = Path(__file__).parent / "fooddata_sample.csv"
    store = MemoryNutritionStore()
    await store.upsert_many(
        [
            f
            for f in UsdaCsvSource(sample).foods(include_branded=False)
            if not f.name.startswith("Apple")
        ]
    )
    both = FallbackFoodCatalog(store, catalog)

    found = await both.candidates("banana", match_all=True, limit=5)
    assert [f.name for f in found] == ["Bananas, raw"] and found[0].fdc_id is None
    assert fdc.requests == []  # the store knew it
    found = await both.candidates("apples", match_all=True, limit=5)
    assert {f.fdc_id for f in found} == {1750339, 1102644, 171689}
    assert len(fdc.requests) == 1

    offline_id = (await store.candidates("broccoli", match_all=True, limit=1))[0].id
    foods = {f.id for f in await both.get_many([offline_id, 173944])}
    assert foods == {offline_id, 173944}
    assert [body["fdcIds"] for path, body, _ in fdc.requests[1:]] == [[173944]]


async def test_container_uses_the_api_only_with_a_key(tmp_path, fdc: FakeFdc) -> None:
    from application.nutrition.fallback import FallbackFoodCatalog
    from application.ports.nutrition import FoodCatalog, NutritionStore
    from entrypoints.container import build_container
    from entrypoints.settings import load_settings

    for key, expected in [(None, NutritionStore), (API_KEY, FallbackFoodCatalog)]:
        settings = load_settings(
            {}, var_dir=tmp_path, fdc_api_key=key, fdc_base_url=fdc.url, nutrition_auto_import=False
        )
        container = build_container(settings)
        try:
            catalog = await container.get(FoodCatalog)
            if expected is NutritionStore:
                assert catalog is await container.get(NutritionStore)
            else:
                assert isinstance(catalog, FallbackFoodCatalog)
        finally:
            await container.close()
