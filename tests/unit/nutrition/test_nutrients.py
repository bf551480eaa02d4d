from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.nutrition.nutrients import Nutrients, total

APPLE = Nutrients(
    calories=52.0,
    protein_g=0.26,
    carbs_g=13.8,
    fat_g=0.17,
    fiber_g=2.4,
    sugar_g=10.4,
    vitamins={"vitamin_c_mg": 4.6},
    minerals={"potassium_mg": 107.0},
    lipids={"cholesterol_mg": 0.0},
)


def test_portion_scales_every_amount_from_per_100g() -> None:
    portion = APPLE.for_portion(182)
    assert portion.calories == pytest.approx(94.64)
    assert portion.carbs_g == pytest.approx(25.116)
    assert portion.vitamins["vitamin_c_mg"] == pytest.approx(8.372)
    assert portion.minerals["potassium_mg"] == pytest.approx(194.74)


def test_unknown_amounts_stay_unknown_when_scaled() -> None:
    partial = Nutrients(calories=100.0)
    assert partial.for_portion(50).protein_g is None
    assert partial.for_portion(50).calories == 50.0


def test_total_adds_known_values_and_keeps_all_unknown_as_unknown() -> None:
    meal = total(
        [
            APPLE.for_portion(100),
            Nutrients(calories=200.0, fiber_g=None, minerals={"sodium_mg": 400.0}),
        ]
    )
    assert meal.calories == pytest.approx(252.0)
    assert meal.protein_g == pytest.approx(0.26)
    assert meal.minerals == {"potassium_mg": 107.0, "sodium_mg": 400.0}
    assert total([Nutrients(calories=1.0)]).fiber_g is None
    assert total([]).calories is None


def test_vocabulary_is_closed_and_amounts_are_not_negative() -> None:
    with pytest.raises(ValueError, match="unknown vitamins"):
        Nutrients(vitamins={"vitamin_x_mg": 1.0})
    with pytest.raises(ValueError, match="negative"):
        Nutrients(protein_g=-1.0)
    with pytest.raises(ValueError, match="negative"):
        Nutrients(minerals={"iron_mg": -0.1})
    with pytest.raises(ValueError):
        APPLE.for_portion(-5)


def test_nutrients_are_immutable() -> None:
    with pytest.raises(TypeError):
        APPLE.vitamins["vitamin_c_mg"] = 0.0  # type: ignore[index]


grams = st.floats(min_value=0, max_value=2000, allow_nan=False)


@given(grams, grams)
def test_two_portions_weigh_as_much_as_one_of_their_sum(a: float, b: float) -> None:
    both = APPLE.for_portion(a) + APPLE.for_portion(b)
    one = APPLE.for_portion(a + b)
    assert both.calories == pytest.approx(one.calories)
    assert both.minerals["potassium_mg"] == pytest.approx(one.minerals["potassium_mg"])
