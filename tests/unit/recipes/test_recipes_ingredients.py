"""Ingredient lines to names, quantities and units."""

from __future__ import annotations

import pytest

from domain.recipes.ingredients import normalise_food_name, parse_ingredient
from domain.recipes.text import singular


@pytest.mark.parametrize(
    ("line", "name", "quantity", "unit"),
    [
        ("2 cups chopped red onions", "onion", 2.0, "cup"),
        ("1 ½ lemons, juiced", "lemon", 1.5, None),
        ("¾ cup mayonnaise", "mayonnaise", 0.75, "cup"),
        ("1&frac12; level teaspoons baking powder", "baking powder", 1.5, "tsp"),
        ("1 tablespoon (45 milliliters) olive oil", "olive oil", 1.0, "tbsp"),
        ("3½ ounces (100 g) sliced white mushrooms", "mushroom", 3.5, "oz"),
        ("250g flour", "flour", 250.0, "g"),
        ("a pinch of salt", "salt", 1.0, "pinch"),
        ("2 cloves of garlic, minced", "garlic", 2.0, "clove"),
        ("1 tsp cloves", "clove", 1.0, "tsp"),
        ("2 boneless, skinless chicken breasts", "chicken", 2.0, None),
        ("1 large can tomatoes", "tomato", 1.0, "can"),
        ("Pepper, to taste", "black pepper", None, None),
        ("1 cup white or brown sugar", "brown sugar", 1.0, "cup"),
        ("1 tbsp vegetable or olive oil", "olive oil", 1.0, "tbsp"),
        ("1 cup freshly grated Parmesan cheese", "parmesan", 1.0, "cup"),
    ],
)
def test_lines_parse_to_name_quantity_and_unit(line, name, quantity, unit):
    parsed = parse_ingredient(line)
    assert (parsed.name, parsed.quantity, parsed.unit) == (name, quantity, unit)


def test_ranges_keep_both_ends():
    parsed = parse_ingredient("13½–14½ US fl. oz. (400–430 ml) chicken broth")
    assert (parsed.quantity, parsed.quantity_max, parsed.unit) == (13.5, 14.5, "fl_oz")
    assert parsed.name == "chicken stock"


@pytest.mark.parametrize(
    "text",
    [
        "scallion",
        "scallions",
        "2 spring onions",
        "green onion",
        "Chopped green onions",
        "Spring Onion",
    ],
)
def test_synonyms_fold_to_one_name(text):
    assert normalise_food_name(text) == "scallion"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("aubergine", "eggplant"),
        ("courgettes", "zucchini"),
        ("garbanzo beans", "chickpeas"),
        ("prawns", "shrimp"),
        ("coriander leaves", "cilantro"),
        ("tomatoes", "tomato"),
    ],
)
def test_regional_names_and_plurals_meet(a, b):
    assert normalise_food_name(a) == normalise_food_name(b)


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("tomatoes", "tomato"),
        ("berries", "berry"),
        ("leaves", "leaf"),
        ("peaches", "peach"),
        ("onions", "onion"),
        ("zucchinis", "zucchini"),
        ("asparagus", "asparagus"),
        ("hummus", "hummus"),
        ("molasses", "molasses"),
        ("cookies", "cookie"),
    ],
)
def test_singular(plural, one):
    assert singular(plural) == one


def test_optional_lines_are_flagged():
    assert parse_ingredient("Minced garlic (optional)").optional
    assert not parse_ingredient("2 eggs").optional


def test_unknown_food_keeps_its_head_words():
    assert parse_ingredient("2 cups finely chopped cocoyam paste").name == "cocoyam"
    assert parse_ingredient("1 tbsp barbecue rub").name == "barbecue rub"
