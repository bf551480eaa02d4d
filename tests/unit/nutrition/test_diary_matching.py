"""The matcher on what people type into a food diary, over the catalogue Psi ships."""

from __future__ import annotations

import pytest

from application.nutrition.lookup import LookupNutrition
from domain.nutrition.matching import features
from domain.nutrition.text import food_query, tokens

from .diary_queries import DIARY


def test_the_table_is_big_enough() -> None:
    assert len(DIARY) >= 40


@pytest.mark.parametrize(("query", "must", "must_not"), DIARY, ids=[q for q, _, _ in DIARY])
async def test_diary_query_finds_the_food_a_person_means(usda_store, query, must, must_not) -> None:
    found = await LookupNutrition(usda_store)(query)
    assert found is not None, query
    name = found.food_name.lower()
    assert all(word in name for word in must), found.food_name
    assert not any(word in name for word in must_not), found.food_name
    assert 0.5 <= found.match_confidence <= 1.0
    assert found.per_100g.calories is not None


@pytest.mark.parametrize(
    ("query", "food"),
    [
        ("2 eggs", "eggs"),
        ("a bowl of oatmeal", "oatmeal"),
        ("3 slices of bread", "bread"),
        ("a glass of milk", "milk"),
        ("200g chicken breast", "chicken breast"),
        ("1/2 cup rice", "rice"),
        ("large egg", "large egg"),
        ("2% milk", "2% milk"),
        ("half and half", "half and half"),
    ],
)
def test_quantity_words_are_not_the_food(query, food) -> None:
    assert food_query(query) == food


async def test_cooked_where_people_eat_it_cooked_raw_where_raw(usda_store) -> None:
    look = LookupNutrition(usda_store)
    rice = await look("rice")
    assert 110 <= rice.per_100g.calories <= 150  # cooked rice is ~130 kcal; raw is ~360
    chicken = await look("chicken breast")
    assert chicken.per_100g.protein_g >= 28  # cooked breast meat, not a deli roll (~15 g)
    banana = await look("banana")
    assert "raw" in banana.food_name.lower()


async def test_each_answer_is_explained_by_named_features(usda_store) -> None:
    found = await LookupNutrition(usda_store)("salmon")
    explained = features(
        tokens("salmon"), next(f for f in await usda_store.get_many([found.food_id]))
    )
    assert explained.state >= 1.0 and explained.coverage == 1.0  # cooked, every word
    assert min(1.0, explained.confidence) == pytest.approx(found.match_confidence, abs=1e-4)
