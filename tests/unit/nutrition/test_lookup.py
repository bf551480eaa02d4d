from __future__ import annotations

import pytest

from adapters.memory.nutrition_store import MemoryNutritionStore
from application.nutrition.lookup import LookupNutrition, SearchFoods
from domain.errors import ValidationFailed
from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.matching import PortionSource
from domain.nutrition.nutrients import Nutrients, total
from domain.nutrition.text import head_tokens


@pytest.mark.parametrize(
    ("query", "head"),
    [
        ("apple", ["apple"]),
        ("banana", ["banana"]),
        ("broccoli", ["broccoli"]),
        ("pizza", ["pizza"]),
        ("coffee", ["coffee"]),
        ("donut", ["doughnut"]),
        ("orange", ["orange"]),
        ("carrots", ["carrot"]),
        ("hot dog", ["hot", "dog"]),
    ],
)
async def test_everyday_names_find_the_plain_food(usda_store, query, head) -> None:
    found = await LookupNutrition(usda_store)(query)
    assert found is not None
    assert head_tokens(found.food_name) == head
    assert found.match_confidence >= 0.6
    assert found.data_type.is_generic
    assert found.nutrients.calories is not None


async def test_whole_fruit_not_juice_or_pie(usda_store) -> None:
    found = await LookupNutrition(usda_store)("apple")
    assert "juice" not in found.food_name.lower() and "pie" not in found.food_name.lower()
    assert "raw" in found.food_name.lower()


async def test_default_portion_is_one_typical_serving_from_usda_weights(usda_store) -> None:
    broccoli = await LookupNutrition(usda_store)("broccoli")
    assert broccoli.food_name == "Broccoli, raw"
    # Not USDA's first measure (Foundation's bare "cup", 76 g) nor a 31 g spear: a cup,
    # chopped, as people serve it.
    assert (broccoli.portion_grams, broccoli.portion_name) == (91.0, "1 cup chopped")
    assert broccoli.portion_source is PortionSource.OWN
    assert broccoli.nutrients.calories == pytest.approx(broccoli.per_100g.calories * 0.91, abs=0.01)
    assert {"1 NLEA serving", '1 spear (about 5" long)'} <= {p.name for p in broccoli.portions}
    apple = await LookupNutrition(usda_store)("apple")
    assert apple.portion_source is PortionSource.OWN
    assert apple.portion_name is not None and apple.portion_name.startswith("1 medium")
    assert apple.portion_grams == 182.0


async def test_grams_given_scale_the_per_100g_values(usda_store) -> None:
    found = await LookupNutrition(usda_store)("banana", 150)
    assert found.portion_grams == 150
    assert found.portion_source is PortionSource.GIVEN
    assert found.nutrients.calories == pytest.approx(found.per_100g.calories * 1.5, abs=0.01)
    assert found.nutrients.minerals["potassium_mg"] == pytest.approx(
        found.per_100g.minerals["potassium_mg"] * 1.5, abs=0.01
    )


async def test_meal_total_is_the_sum_of_its_parts(usda_store) -> None:
    look = LookupNutrition(usda_store)
    parts = await look.many([("banana", 120), ("broccoli", 80), ("coffee", 240)])
    meal = total(p.nutrients for p in parts)
    assert meal.calories == pytest.approx(sum(p.nutrients.calories for p in parts), abs=0.05)


async def test_nonsense_finds_nothing(usda_store) -> None:
    look = LookupNutrition(usda_store)
    assert await look("xqzzyv") is None
    assert await look("!!!") is None


@pytest.mark.parametrize("grams", [0, -5, 100_000])
async def test_impossible_grams_are_rejected(usda_store, grams) -> None:
    with pytest.raises(ValidationFailed):
        await LookupNutrition(usda_store)("apple", grams)


async def test_multi_word_query_falls_back_to_any_word() -> None:
    store = MemoryNutritionStore()
    banana = Food(
        id=offline_food_id(DataType.SR_LEGACY, "Bananas, raw"),
        name="Bananas, raw",
        data_type=DataType.SR_LEGACY,
        per_100g=Nutrients(calories=89.0),
        portion=Portion(118.0),
    )
    await store.upsert_many([banana])
    found = await LookupNutrition(store)("sliced banana")
    assert found is not None and found.food_name == "Bananas, raw"
    assert found.match_confidence < 0.8


async def test_search_pages_ranked_matches(usda_store) -> None:
    search = SearchFoods(usda_store)
    first = await search("apple", page=1, per_page=5)
    second = await search("apple", page=2, per_page=5)
    assert len(first.items) == 5 and first.total > 20
    assert first.items[0].confidence >= second.items[0].confidence
    assert {m.food.id for m in first.items}.isdisjoint(m.food.id for m in second.items)
    beyond = await search("apple", page=1000, per_page=5)
    assert beyond.items == [] and beyond.total == first.total


@pytest.mark.parametrize(
    ("q", "page", "per_page"), [("", 1, 20), ("apple", 0, 20), ("apple", 1, 101)]
)
async def test_search_rejects_bad_input(usda_store, q, page, per_page) -> None:
    with pytest.raises(ValidationFailed):
        await SearchFoods(usda_store)(q, page=page, per_page=per_page)


class CountingCatalog:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    async def candidates(self, query, *, match_all, limit, include_branded=True):
        self.calls += 1
        return await self.inner.candidates(
            query, match_all=match_all, limit=limit, include_branded=include_branded
        )

    async def get_many(self, food_ids):
        return await self.inner.get_many(food_ids)


async def test_best_match_is_remembered_per_name_until_it_expires(usda_store) -> None:
    now = [0.0]
    catalog = CountingCatalog(usda_store)
    look = LookupNutrition(catalog, memo_ttl_s=60, monotonic=lambda: now[0])
    first = await look("Bananas")
    again = await look("banana", 50)
    assert catalog.calls == 1
    assert again.food_id == first.food_id and again.portion_grams == 50
    assert await look("xqzzyv") is None and await look("xqzzyv") is None
    assert catalog.calls == 2  # a miss is remembered too
    now[0] = 61
    await look("banana")
    assert catalog.calls == 3
