from __future__ import annotations

import pytest

from domain.nutrition.text import head_tokens, normalize, singular, tokens


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("apples", "apple"),
        ("berries", "berry"),
        ("tomatoes", "tomato"),
        ("peaches", "peach"),
        ("radishes", "radish"),
        ("leaves", "leaf"),
        ("cheeses", "cheese"),
        ("hummus", "hummus"),
        ("asparagus", "asparagus"),
        ("molasses", "molasses"),
        ("glass", "glass"),
        ("egg", "egg"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_normalize_folds_case_accents_plurals_and_filler() -> None:
    assert normalize("Red Apples!") == "red apple"
    assert normalize("Crème Brûlée") == "creme brulee"
    assert normalize("Macaroni & Cheese") == "macaroni cheese"
    assert normalize("Coffee, NS as to type") == "coffee"
    assert normalize("  ") == ""


def test_parenthesised_remarks_are_not_searchable() -> None:
    name = "Cheese, cheddar (Includes foods for USDA's Food Distribution Program)"
    assert tokens(name) == ["cheese", "cheddar"]


def test_synonyms_meet_usda_spelling() -> None:
    assert tokens("donuts") == tokens("Doughnut")
    assert tokens("yoghurt") == ["yogurt"]


def test_head_is_the_food_before_its_qualifiers_even_behind_a_group_word() -> None:
    assert head_tokens("Apples, raw, with skin") == ["apple"]
    assert head_tokens("Fish, salmon, Atlantic, raw") == ["salmon"]
    assert head_tokens("Beverages, coffee, brewed") == ["coffee"]
    assert head_tokens("Chicken breast, grilled") == ["chicken", "breast"]
