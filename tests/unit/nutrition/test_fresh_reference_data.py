"""A running process sees foods imported after it started: a miss is not remembered."""

from __future__ import annotations

from adapters.memory.nutrition_store import MemoryNutritionStore
from application.nutrition.lookup import LookupNutrition
from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.nutrients import Nutrients


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def kumquat() -> Food:
    name = "Kumquats, raw"
    return Food(
        id=offline_food_id(DataType.SR_LEGACY, name),
        name=name,
        data_type=DataType.SR_LEGACY,
        per_100g=Nutrients(calories=71.0),
        portion=Portion(19.0, "1 fruit without refuse"),
    )


async def test_a_food_imported_after_a_miss_is_found() -> None:
    store = MemoryNutritionStore()
    clock = Clock()
    look = LookupNutrition(store, monotonic=clock)
    assert await look("kumquat") is None
    await store.upsert_many([kumquat()])  # `psi data import-usda` while the API runs
    clock.now += 1.5
    found = await look("kumquat", 38)
    assert found is not None and found.food_name == "Kumquats, raw"
    assert found.nutrients.calories == 71.0 * 0.38


async def test_a_burst_of_the_same_miss_costs_one_search() -> None:
    class Counting(MemoryNutritionStore):
        searches = 0

        async def candidates(self, query, **kwargs):
            Counting.searches += 1
            return await super().candidates(query, **kwargs)

    store = Counting()
    clock = Clock()
    look = LookupNutrition(store, monotonic=clock)
    for _ in range(5):
        assert await look("kumquat") is None
    assert Counting.searches == 1
    clock.now += 1.5
    assert await look("kumquat") is None
    assert Counting.searches == 2


async def test_hits_are_remembered_until_their_own_expiry() -> None:
    store = MemoryNutritionStore()
    await store.upsert_many([kumquat()])
    clock = Clock()
    look = LookupNutrition(store, monotonic=clock)
    first = await look("kumquats")
    changed = Food(
        id=kumquat().id,
        name="Kumquats, raw",
        data_type=DataType.SR_LEGACY,
        per_100g=Nutrients(calories=72.0),
    )
    await store.upsert_many([changed])
    assert (await look("kumquats")).per_100g == first.per_100g  # memo (10 min)
    clock.now += 601
    assert (await look("kumquats")).per_100g.calories == 72.0
