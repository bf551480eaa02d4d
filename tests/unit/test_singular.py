"""The one singular every food-name path uses (USDA matching, recipe parsing, detection
keys): the cases each of the former two copies got right, now both at once."""

from __future__ import annotations

import pytest

from domain.food.vision import normalise_food_name
from domain.nutrition.text import normalize
from domain.recipes.text import tokens
from domain.singular import singular


@pytest.mark.parametrize(
    ("plural", "one"),
    [
        ("berries", "berry"),
        ("cookies", "cookie"),
        ("tomatoes", "tomato"),
        ("peaches", "peach"),
        ("radishes", "radish"),
        ("gloves", "glove"),
        ("preserves", "preserve"),
        ("halves", "half"),
        ("leaves", "leaf"),
        ("chillies", "chilli"),
        ("chilies", "chili"),
        ("paninis", "panini"),
        ("quiches", "quiche"),
        ("shoes", "shoe"),
        ("feet", "foot"),
        ("eggs", "egg"),
    ],
)
def test_plurals_become_singular(plural, one):
    assert singular(plural) == one


@pytest.mark.parametrize(
    "word",
    ["molasses", "hummus", "asparagus", "couscous", "grits", "bass", "basis", "coulis", "pea"],
)
def test_words_that_only_look_plural_stay(word):
    assert singular(word) == word


def test_every_food_name_path_agrees():
    assert normalize("Chillies") == "chilli"
    assert tokens("chillies") == ["chilli"]
    assert normalise_food_name("Chillies") == "chilli"
