"""Allergens and diets derived from ingredient traits."""

from __future__ import annotations

import pytest

from domain.recipes.classification import allergens_of, diets_of, violations
from domain.recipes.ingredients import parse_ingredient
from domain.recipes.lexicon import default_lexicon, parse_table
from domain.recipes.recipe import SourceLicence, SourceRecipe, build_recipe
from domain.recipes.vocabulary import Allergen, Diet, Trait

LICENCE = SourceLicence(
    "Test",
    "https://example.org/wiki/",
    "someone",
    "CC BY-SA 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "none",
)


def recipe(*lines: str):
    return build_recipe(SourceRecipe("Cookbook:Test", "Test", tuple(lines), ("Cook.",)), LICENCE)


@pytest.mark.parametrize(
    ("line", "allergens"),
    [
        ("3 tablespoons soy sauce", {Allergen.SOY, Allergen.GLUTEN}),
        ("1 cup milk", {Allergen.MILK}),
        ("1 can coconut milk", set()),
        ("2 tbsp peanut butter", {Allergen.PEANUTS}),
        ("1 tsp nutmeg", set()),
        ("1 butternut squash", set()),
        ("1 can water chestnuts", set()),
        ("½ cup gluten-free flour", set()),
        ("200 g gluten-free pasta", set()),
        (
            "1 cup cooked meat (chicken, shrimp, beef, or tofu; optional)",
            {Allergen.CRUSTACEANS, Allergen.SOY},
        ),
        ("2 tablespoons ground crayfish", {Allergen.CRUSTACEANS}),
        ("1 tsp Worcestershire sauce", {Allergen.FISH, Allergen.GLUTEN, Allergen.SULPHITES}),
        ("½ cup dry white wine", {Allergen.SULPHITES}),
        ("1 tbsp tahini", {Allergen.SESAME}),
        ("2 tbsp oyster sauce", {Allergen.MOLLUSCS}),
        ("200 g oyster mushrooms", set()),
        ("1 tsp Dijon mustard", {Allergen.MUSTARD}),
        ("2 stalks celery", {Allergen.CELERY}),
        ("1 cup lupin flour", {Allergen.LUPIN}),
        ("3 eggs", {Allergen.EGGS}),
        ("1 eggplant", set()),
        ("2 tbsp vegan butter", set()),
    ],
)
def test_allergens_of_a_line(line, allergens):
    assert allergens_of(parse_ingredient(line).traits) == allergens


def test_diets_follow_the_traits():
    salad = recipe("1 cucumber", "2 tomatoes", "1 tbsp olive oil", "Salt")
    assert {
        Diet.VEGAN,
        Diet.VEGETARIAN,
        Diet.GLUTEN_FREE,
        Diet.HALAL,
        Diet.KOSHER,
        Diet.LOW_CARB,
    } <= salad.diets
    omelette = recipe("3 eggs", "2 tbsp milk", "1 tbsp butter")
    assert Diet.VEGETARIAN in omelette.diets and Diet.VEGAN not in omelette.diets
    carbonara = recipe("200 g spaghetti", "100 g pancetta", "2 eggs", "50 g parmesan")
    assert (
        not {Diet.VEGETARIAN, Diet.PESCATARIAN, Diet.HALAL, Diet.KOSHER, Diet.GLUTEN_FREE}
        & carbonara.diets
    )
    prawns = recipe("200 g prawns", "1 tbsp olive oil", "1 lemon")
    assert Diet.PESCATARIAN in prawns.diets and Diet.KOSHER not in prawns.diets
    coq_au_vin = recipe("1 chicken", "500 ml red wine", "1 onion")
    assert Diet.HALAL not in coq_au_vin.diets


def test_kosher_never_mixes_meat_and_milk():
    assert Diet.KOSHER not in diets_of({Trait.MEAT, Trait.MILK})
    assert Diet.KOSHER in diets_of({Trait.MEAT})
    assert Diet.KOSHER in diets_of({Trait.MILK})


def test_a_whole_recipe_collects_every_line():
    r = recipe("2 cups flour", "1 cup milk", "2 eggs", "1 tbsp sugar")
    assert r.allergens == {Allergen.GLUTEN, Allergen.MILK, Allergen.EGGS}
    assert r.ingredient_names == ("flour", "milk", "egg", "sugar")


def test_violations_explain_what_is_wrong():
    traits = parse_ingredient("1 cup milk").traits
    assert violations(traits, {Allergen.MILK}, {Diet.VEGAN}) == ["contains milk", "not vegan"]
    assert violations(traits, {Allergen.PEANUTS}, {Diet.VEGETARIAN}) == []


def test_the_lexicon_refuses_an_alias_naming_two_foods():
    with pytest.raises(ValueError, match="already names"):
        parse_table("milk: cream | milk\ncream | milk")


def test_the_default_lexicon_loads():
    assert default_lexicon().lookup(("soy", "sauce")).traits == {Trait.SOY, Trait.GLUTEN}
