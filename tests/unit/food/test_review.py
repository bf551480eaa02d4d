"""The review of an analysis: its confidence formula, its reasons and its suggestions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.food.analysis import FoodItem, Review, SuggestionSource, UsdaMatch
from domain.food.review import (
    DESCRIBER_FAILED,
    DETECTOR_FAILED,
    NO_DESCRIBER,
    NO_DETECTOR,
    NOTHING_RECOGNISED,
    ModelState,
    analysis_confidence,
    frequent_foods,
    review_of,
    suggestions_for,
)
from domain.food.vision import FusedFood, Source

BOTH = ModelState(True, True, True, True)


def item(
    food: str,
    confidence: float = 0.9,
    match: float | None = 0.8,
    grams: float = 100,
    quantity: int = 1,
    fdc_id: int | None = 1,
) -> FoodItem:
    m = UsdaMatch(food.title(), fdc_id, "sr_legacy", match) if match is not None else None
    return FoodItem(food, confidence, None, quantity, grams, fdc_id, m)


def test_confidence_is_the_mean_of_recognition_times_match():
    assert analysis_confidence([]) == 0.0
    assert analysis_confidence([item("apple", 0.9, 0.8)]) == pytest.approx(0.72)
    # an unmatched food counts 0: its nutrition is missing from the totals
    assert analysis_confidence(
        [item("apple", 0.9, 0.8), item("mystery", 0.6, None)]
    ) == pytest.approx(0.36)


@given(st.lists(st.tuples(st.floats(0, 1), st.one_of(st.none(), st.floats(0, 1))), max_size=10))
def test_confidence_is_a_probability_never_above_the_surest_food(pairs):
    items = [item(f"food{i}", c, m) for i, (c, m) in enumerate(pairs)]
    score = analysis_confidence(items)
    assert 0.0 <= score <= 1.0
    if items:
        assert score <= max(i.confidence for i in items) + 1e-4


@pytest.mark.parametrize(
    "state, expected",
    [
        (ModelState(False, False, False, False), [NO_DESCRIBER, NO_DETECTOR]),
        (ModelState(True, True, False, False), [NO_DESCRIBER]),
        (ModelState(True, False, True, False), [DESCRIBER_FAILED, DETECTOR_FAILED]),
        (BOTH, []),
    ],
)
def test_nothing_recognised_says_so_and_why(state, expected):
    review = review_of([], state, uncertain=0)
    assert review.needed and review.reasons[0] == NOTHING_RECOGNISED
    assert [r for r in review.reasons[1:-1]] == expected
    assert "suggestions" in review.reasons[-1]


def test_sure_matched_foods_need_no_review_and_doubts_are_named():
    assert review_of([item("apple")], BOTH, 0) == Review(False, ())
    review = review_of(
        [item("apple", 0.4), item("kiwi", 0.9, None), item("rice", 0.45)], BOTH, uncertain=2
    )
    assert review.needed
    assert review.reasons[0] == "We're not sure about apple and rice: please check."
    assert review.reasons[1] == "We found no nutrition data for kiwi: please pick the food."
    assert "2 more foods were too uncertain" in review.reasons[2]


def test_frequent_foods_count_names_alike_and_keep_the_latest_portion():
    meals = [  # newest first
        (item("Apples", grams=300, quantity=2, fdc_id=9),),
        (item("banana", grams=118),),
        (item("apple", grams=100, fdc_id=7), item("rice", grams=200)),
        (item("banana", grams=120),),
        (item("rice", grams=150),),
    ]
    top = frequent_foods(meals, 2)
    # apple, banana and rice twice each: the most recently eaten first
    assert [(f.food, f.times) for f in top] == [("Apples", 2), ("banana", 2)]
    assert top[0].portion_grams == 150.0 and top[0].fdc_id == 9  # per unit, latest
    assert frequent_foods([], 5) == []


def test_suggestions_come_from_the_models_doubts_then_history_without_repeats():
    uncertain = [
        (FusedFood("carrot", 0.2, None, 1, None, frozenset({Source.DETECTOR})), 11, 61.0),
        (
            FusedFood("pear", 0.25, None, 1, 150.0, frozenset({Source.DETECTOR, Source.DESCRIBER})),
            None,
            150.0,
        ),
    ]
    history = frequent_foods([(item("Carrots"),), (item("apple"),), (item("banana"),)], 5)
    listed = [item("apple", 0.4)]
    review = review_of(listed, BOTH, uncertain=2)
    got = suggestions_for(uncertain, history, listed, review)
    assert [(s.food, s.source) for s in got] == [
        ("carrot", SuggestionSource.DETECTOR),
        ("pear", SuggestionSource.DESCRIBER),
        ("banana", SuggestionSource.HISTORY),
    ]
    assert got[0].fdc_id == 11 and got[0].portion_grams == 61.0
    assert suggestions_for(uncertain, history, listed, Review(False)) == ()
