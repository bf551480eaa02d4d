"""Recipe use cases over in-memory adapters: import, browse, rate, match the fridge."""

from __future__ import annotations

import uuid

import pytest

from adapters.clock import ManualClock
from adapters.memory.preferences import MemoryPreferencesCache, MemoryPreferencesStore
from adapters.memory.recipes import (
    MemoryIngredientNutrition,
    MemoryRecipeCatalogue,
    MemoryRecipeRatings,
)
from adapters.recipes.serving import ServedFridgeIndex
from adapters.recipes.wikibooks import read_recipes
from application.ports.recipes import RecipeQuery
from application.preferences.use_cases import ReplacePreferences
from application.recipes.browse import GetRecipe, SearchRecipes
from application.recipes.fridge import MatchFridge
from application.recipes.import_catalogue import ImportRecipes, PrepareFridgeIndex
from application.recipes.ratings import DeleteRating, RateRecipe
from domain.errors import NotFound, ValidationFailed
from domain.nutrition.food import Portion
from domain.recipes.nutrition import FoodFacts, Nutrients
from domain.recipes.vocabulary import Allergen, Diet


def TableNutrition():
    """A few USDA SR Legacy foods with their household measures."""
    return MemoryIngredientNutrition(
        {
            "flour": FoodFacts(
                "Wheat flour, white, all-purpose",
                Nutrients(364, 10, 76, 1, 2.7, 0.3),
                (Portion(125, "cup"), Portion(7.8, "tbsp")),
            ),
            "egg": FoodFacts(
                "Egg, whole, raw",
                Nutrients(143, 12.6, 0.7, 9.5, 0, 0.4),
                (Portion(50, "1 large"), Portion(44, "1 medium")),
            ),
            "milk": FoodFacts(
                "Milk, whole", Nutrients(61, 3.2, 4.8, 3.3, 0, 5), (Portion(244, "cup"),)
            ),
            "butter": FoodFacts(
                "Butter, salted",
                Nutrients(717, 0.9, 0.1, 81, 0, 0.1),
                (Portion(227, "cup"), Portion(14.2, "tbsp")),
            ),
            "sugar": FoodFacts(
                "Sugars, granulated",
                Nutrients(387, 0, 100, 0, 0, 100),
                (Portion(200, "cup"), Portion(4.2, "tsp")),
            ),
            "salt": FoodFacts("Salt, table", Nutrients(0, 0, 0, 0, 0, 0), (Portion(6, "tsp"),)),
        },
        name="test-table",
    )


@pytest.fixture
async def imported(tmp_path):
    catalogue = MemoryRecipeCatalogue()
    index = ServedFridgeIndex(tmp_path / "index.npz")
    licence, sources = read_recipes()
    report = await ImportRecipes(catalogue, index, TableNutrition())(licence, sources)
    return catalogue, index, report


async def test_import_is_idempotent_and_counts_progress(tmp_path, imported):
    catalogue, index, report = imported
    assert report.recipes == await catalogue.count() == 3129
    assert not report.unchanged and report.with_nutrition > 0
    seen: list[int] = []
    licence, sources = read_recipes()
    again = await ImportRecipes(catalogue, index, TableNutrition())(licence, sources, seen.append)
    assert again.unchanged and again.version == report.version
    assert sum(seen) == 3129 and await catalogue.count() == 3129


async def test_nutrition_per_serving_is_estimated_with_its_coverage(imported):
    catalogue, _, _ = imported
    recipes = await catalogue.all()
    with_nutrition = [r for r in recipes if r.nutrition is not None]
    assert any(r.nutrition.calories > 100 for r in with_nutrition)
    for recipe in with_nutrition:
        n = recipe.nutrition
        assert recipe.servings and n.calories >= 0 and n.source == "test-table"
        assert 0.85 <= n.coverage == recipe.nutrition_coverage <= 1
    # Without servings or below the coverage threshold, no figure (never one serving).
    assert all(
        r.nutrition is None
        for r in recipes
        if r.servings is None or (r.nutrition_coverage or 0) < 0.85
    )


async def test_prepare_rebuilds_a_missing_or_stale_index(tmp_path, imported):
    catalogue, _, report = imported
    fresh = ServedFridgeIndex(tmp_path / "other.npz")
    assert fresh.version is None
    assert await PrepareFridgeIndex(catalogue, fresh)(fresh.version) == report.version
    assert fresh.version == report.version
    # A served index of the stored version is kept as it is.
    assert await PrepareFridgeIndex(catalogue, fresh)(fresh.version) == report.version


async def test_search_filters_and_pages(imported):
    catalogue, _, _ = imported
    search = SearchRecipes(catalogue, MemoryRecipeRatings())
    page, _ = await search(RecipeQuery(q="curry", diet=Diet.VEGAN, per_page=5))
    assert page.total > 0 and len(page.items) <= 5
    assert all(Diet.VEGAN in r.diets for r in page.items)
    quick, _ = await search(RecipeQuery(max_minutes=15, per_page=100))
    assert all(r.total_minutes <= 15 for r in quick.items)
    with pytest.raises(ValidationFailed):
        await search(RecipeQuery(q="x" * 500))


async def test_ratings_upsert_average_and_delete(imported):
    catalogue, _, _ = imported
    ratings = MemoryRecipeRatings()
    clock = ManualClock()
    recipe = (await catalogue.search(RecipeQuery(q="pancakes"))).items[0]
    alice, bob = uuid.uuid4(), uuid.uuid4()
    rate = RateRecipe(catalogue, ratings, clock)
    first = await rate(alice, recipe.id, 2)
    clock.advance(minutes=5)
    second = await rate(alice, recipe.id, 4, comment="better the second time", tags=("Quick",))
    assert second.created_at == first.created_at and second.updated_at > first.updated_at
    assert second.tags == ("quick",)
    await rate(bob, recipe.id, 5)
    _, summary = await GetRecipe(catalogue, ratings, TableNutrition())(recipe.id)
    assert (summary.average, summary.count) == (4.5, 2)
    await DeleteRating(catalogue, ratings)(alice, recipe.id)
    await DeleteRating(catalogue, ratings)(alice, recipe.id)  # idempotent
    _, summary = await GetRecipe(catalogue, ratings, TableNutrition())(recipe.id)
    assert (summary.average, summary.count) == (5.0, 1)
    with pytest.raises(ValidationFailed):
        await rate(alice, recipe.id, 6)
    with pytest.raises(NotFound):
        await rate(alice, uuid.uuid4(), 3)
    with pytest.raises(NotFound):
        await GetRecipe(catalogue, ratings, TableNutrition())(uuid.uuid4())


async def test_fridge_matching_uses_the_stored_preferences(imported):
    catalogue, index, _ = imported
    store, cache, clock = MemoryPreferencesStore(), MemoryPreferencesCache(), ManualClock()
    user = uuid.uuid4()
    match = MatchFridge(index, catalogue, store, cache)
    before = await match(user, ["eggs", "milk", "flour"], limit=30)
    assert any(Allergen.EGGS in r.recipe.allergens for r in before)
    await ReplacePreferences(store, cache, clock)(
        user, {"allergens": ["eggs"], "disliked_foods": ["Sugar"]}
    )
    after = await match(user, ["eggs", "milk", "flour"], limit=30)
    assert after
    assert all(Allergen.EGGS not in r.recipe.allergens for r in after)
    assert all("sugar" not in r.recipe.ingredient_names for r in after)
    with pytest.raises(ValidationFailed):
        await match(user, [], limit=5)
    with pytest.raises(ValidationFailed):
        await match(user, ["egg"], limit=500)
