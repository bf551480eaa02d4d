"""Recipe nutrition is right or absent: weights from each food's own USDA measures."""

from __future__ import annotations

import pytest

from adapters.memory.recipes import MemoryIngredientNutrition
from application.recipes.pricing import with_nutrition
from application.recipes.usda_nutrition import lookup_query
from domain.nutrition.food import Portion
from domain.recipes.ingredients import food_phrase, parse_ingredient
from domain.recipes.nutrition import (
    FoodFacts,
    Nutrients,
    estimate_nutrition,
    line_weight,
)
from domain.recipes.recipe import SourceLicence, SourceRecipe, build_recipe, parse_servings

# USDA SR Legacy values (kcal, protein, carbs, fat, fiber, sugar per 100 g) and measures.
RICE = FoodFacts(
    "Rice, white, long-grain, regular, raw",
    Nutrients(365, 7.1, 80, 0.7, 1.3, 0.1),
    (Portion(185, "cup"),),
)
FLOUR = FoodFacts(
    "Wheat flour, white, all-purpose",
    Nutrients(364, 10.3, 76.3, 1, 2.7, 0.3),
    (Portion(125, "cup"), Portion(7.8, "tbsp")),
)
ONION = FoodFacts(
    "Onions, raw",
    Nutrients(40, 1.1, 9.3, 0.1, 1.7, 4.2),
    (
        Portion(160, "cup, chopped"),
        Portion(110, "1 medium"),
        Portion(150, "1 large"),
        Portion(70, "1 small"),
    ),
)
EGG = FoodFacts(
    "Egg, whole, raw, fresh",
    Nutrients(143, 12.6, 0.7, 9.5, 0, 0.4),
    (Portion(50, "1 large"), Portion(44, "1 medium")),
)
COCONUT_MILK = FoodFacts(
    "Nuts, coconut milk, canned", Nutrients(197, 2, 2.8, 21.3, 0, 0), (Portion(226, "cup"),)
)
COCONUT_MEAT = FoodFacts(
    "Nuts, coconut meat, raw",
    Nutrients(354, 3.3, 15.2, 33.5, 9, 6.2),
    (Portion(80, "cup, shredded"),),
)
OIL = FoodFacts("Oil, olive", Nutrients(884, 0, 0, 100, 0, 0), (Portion(13.5, "tbsp"),))
PLAIN = FoodFacts("Food without measures", Nutrients(100, 1, 1, 1, 1, 1))
TABLE = {
    "rice raw": RICE,
    "flour": FLOUR,
    "onion": ONION,
    "egg": EGG,
    "coconut milk": COCONUT_MILK,
    "coconut": COCONUT_MEAT,
    "olive oil": OIL,
    "sugar": PLAIN,
}
LICENCE = SourceLicence(
    "Test",
    "https://example.org/wiki/",
    "someone",
    "CC BY-SA 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "none",
)


def facts_of(line: str) -> FoodFacts | None:
    return TABLE.get(lookup_query(parse_ingredient(line))) or TABLE.get(
        food_phrase(parse_ingredient(line))
    )


def grams(line: str) -> float | None:
    return line_weight(parse_ingredient(line), facts_of(line)).grams


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1 cup (200 g) rice", 200),  # stated grams win over the cup
        ("2 cans (30 oz / 850 g) pumpkin purée", 850),
        ("1 cup rice", 185),  # the food's own cup
        ("1 cup flour", 125),
        ("2 tbsp flour", 15.6),
        ("1 ½ cups flour", 187.5),
        ("1½ cups flour", 187.5),
        ("3/4 cup flour", 93.75),
        ("2-3 cups flour", 312.5),  # a range counts its middle
        ("2 eggs", 100),
        ("3 medium eggs", 132),
        ("1 onion", 110),
        ("1 large onion", 150),
        ("1 cup chopped onion", 160),
        ("500 g onions", 500),
        ("1 lb flour", 453.6),
        ("200g rice", 200),
        ("1 cup water", 236.6),
    ],
)
def test_line_weights(line, expected):
    assert grams(line) == pytest.approx(expected, rel=0.01)


def test_volume_needs_the_foods_own_measure():
    # "sugar" here has no USDA measure: no 240 g-per-cup guess, the line stays unpriced.
    weight = line_weight(parse_ingredient("1 cup sugar"), PLAIN)
    assert weight.grams is None and weight.rough_grams > 0


def test_coconut_milk_is_not_coconut_meat():
    ingredient = parse_ingredient("1 can (400 ml) coconut milk")
    assert ingredient.name == "coconut" and food_phrase(ingredient) == "coconut milk"
    assert facts_of("1 can (400 ml) coconut milk") is COCONUT_MILK


def test_salt_to_taste_and_garnish_are_negligible():
    for line in ("Salt to taste", "Parsley, for garnish", "1 pinch nutmeg"):
        assert line_weight(parse_ingredient(line), None).rough_grams == 0


def recipe_of(lines, servings):
    return build_recipe(
        SourceRecipe("Cookbook:N", "N", tuple(lines), ("Cook.",), servings=servings), LICENCE
    )


def test_per_serving_by_hand():
    lines = ["1 cup rice", "1 onion", "2 tbsp olive oil", "2 cups water", "Salt to taste"]
    recipe = recipe_of(lines, "2")
    estimate = estimate_nutrition(
        recipe.ingredients, recipe.servings, lambda i: facts_of(i.text), "usda"
    )
    # 185 g rice * 3.65 + 110 g onion * 0.40 + 27 g oil * 8.84 = 675.25 + 44 + 238.68
    assert estimate.per_serving is not None
    assert estimate.per_serving.calories == pytest.approx(957.9 / 2, abs=0.2)
    assert estimate.coverage == 1.0


def test_no_servings_means_no_per_serving_figure():
    recipe = recipe_of(["1 cup rice", "1 onion"], None)
    estimate = estimate_nutrition(
        recipe.ingredients, recipe.servings, lambda i: facts_of(i.text), "usda"
    )
    assert estimate.per_serving is None and estimate.coverage == 1.0


def test_low_coverage_means_no_figure():
    recipe = recipe_of(["1 cup rice", "500 g zorbleberries"], "4")
    estimate = estimate_nutrition(
        recipe.ingredients, recipe.servings, lambda i: facts_of(i.text), "usda"
    )
    assert estimate.per_serving is None
    assert estimate.coverage == pytest.approx(185 / 685, abs=0.01)


@pytest.mark.parametrize(
    ("text", "servings"), [("6–8", 7), ("4 servings", 4), ("1 or more", None), ("Varies", None)]
)
def test_servings_are_parsed(text, servings):
    assert parse_servings(text) == servings


def test_servings_stated_in_the_steps():
    recipe = build_recipe(
        SourceRecipe("Cookbook:S", "S", ("1 cup rice",), ("Cook the rice.", "Serves 4.")), LICENCE
    )
    assert recipe.servings == 4


async def test_pricing_through_the_port_with_a_memory_catalogue():
    recipe = recipe_of(["1 cup rice", "1 onion", "2 tbsp olive oil"], "2")
    [priced] = await with_nutrition([recipe], MemoryIngredientNutrition(TABLE, "usda"))
    assert priced.nutrition is not None and priced.nutrition_coverage == 1.0
    assert priced.nutrition.calories == pytest.approx(957.9 / 2, abs=0.2)


def test_usda_measure_names_as_the_catalogue_writes_them():
    banana = FoodFacts(
        "Bananas, raw",
        Nutrients(89, 1.1, 22.8, 0.3, 2.6, 12.2),
        (
            Portion(225, "cup, mashed"),
            Portion(150, "cup, sliced"),
            Portion(100, "100 g"),
            Portion(136, '1 large (8" to 8-7/8" long)'),
            Portion(118, '1 medium (7" to 7-7/8" long)'),
            Portion(101, '1 small (6" to 6-7/8" long)'),
        ),
    )
    assert line_weight(parse_ingredient("2 bananas"), banana).grams == 236
    assert line_weight(parse_ingredient("1 large banana"), banana).grams == 136
    assert line_weight(parse_ingredient("1 cup sliced bananas"), banana).grams == 150
    assert line_weight(parse_ingredient("1 cup mashed banana"), banana).grams == 225
    milk = FoodFacts(
        "Milk, whole",
        Nutrients(61, 3.2, 4.8, 3.3, 0, 5),
        (Portion(244, "cup"), Portion(30.5, "fl oz"), Portion(15.2, "tbsp")),
    )
    assert line_weight(parse_ingredient("½ cup (120 ml) milk"), milk).grams == pytest.approx(
        122, rel=0.01
    )
    assert line_weight(parse_ingredient("250 ml milk"), milk).grams == pytest.approx(
        250 * 244 / 236.588, rel=0.001
    )
    # Only weight measures: a count cannot be converted, so the line is left uncovered.
    rice = FoodFacts("Rice", Nutrients(365, 7, 80, 1, 1, 0), (Portion(100, "100 g"),))
    assert line_weight(parse_ingredient("2 rice balls"), rice).grams is None


def test_uncovered_lines_are_sized_for_the_coverage_only():
    can = line_weight(parse_ingredient("1 can beef consommé"), None)
    assert can.grams is None and can.rough_grams == 400
    assert line_weight(parse_ingredient("Salt"), None).rough_grams == 0
