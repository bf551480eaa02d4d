"""Fusion of detector and describer answers into one detected_foods list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.food.vision import (
    BoundingBox,
    DescribedFood,
    Description,
    Detection,
    FusionPolicy,
    Source,
    combine_confidences,
    fuse,
    normalise_food_name,
)


def box(x1: float, y1: float, x2: float, y2: float) -> BoundingBox:
    return BoundingBox(x1, y1, x2, y2)


def det(food: str, conf: float, b: BoundingBox | None = None) -> Detection:
    return Detection(food, conf, b or box(0, 0, 10, 10))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bananas", "banana"),
        ("hot_dog", "Hot Dog"),
        ("hotdogs", "hot dog"),
        ("donut", "doughnut"),
        ("  Cherry   Tomatoes ", "cherry tomato"),
        ("berries", "berry"),
        ("peaches", "peach"),
        ("Crème-brûlée", "crème brûlée"),
        ("Crème Brûlée", "creme brulee"),  # accents folded as the USDA matcher folds them
        ("Mac & Cheese", "mac and cheese"),
    ],
)
def test_spellings_of_the_same_food_meet(a: str, b: str) -> None:
    assert normalise_food_name(a) == normalise_food_name(b)


@pytest.mark.parametrize("word", ["hummus", "couscous", "asparagus", "grass", "peas"])
def test_words_that_only_look_plural_keep_their_key_stable(word: str) -> None:
    assert normalise_food_name(word) == normalise_food_name(word.upper())
    assert normalise_food_name(word) != ""


def test_detector_only_groups_instances_of_a_food() -> None:
    result = fuse(
        [
            det("banana", 0.9, box(0, 0, 10, 10)),
            det("banana", 0.7, box(20, 5, 40, 30)),
            det("apple", 0.5, box(50, 50, 60, 60)),
        ],
        None,
    )
    banana, apple = result.foods
    assert banana.food == "banana" and banana.quantity == 2
    assert banana.confidence == 0.9
    assert banana.bbox == box(0, 0, 40, 30)  # encloses both bananas
    assert banana.portion_grams is None
    assert banana.sources == {Source.DETECTOR}
    assert apple.quantity == 1
    assert result.confidence_score == pytest.approx((0.9 + 0.5) / 2)


def test_agreement_merges_and_raises_confidence() -> None:
    description = Description(
        foods=(DescribedFood("Pepperoni pizza", grams=250, confidence=0.8),),
        text="Two slices of pepperoni pizza.",
    )
    result = fuse([det("pizza", 0.6, box(1, 2, 3, 4))], description)
    (pizza,) = result.foods
    assert pizza.food == "Pepperoni pizza"  # the describer's more specific name
    assert pizza.portion_grams == 250
    assert pizza.bbox == box(1, 2, 3, 4)
    assert pizza.confidence == pytest.approx(1 - 0.4 * 0.2)
    assert pizza.sources == {Source.DETECTOR, Source.DESCRIBER}
    assert pizza.confidence > max(0.6, 0.8)


def test_exact_name_match_wins_over_word_containment() -> None:
    description = Description(
        foods=(DescribedFood("cake pop", grams=30), DescribedFood("cakes", grams=120)), text=""
    )
    result = fuse([det("cake", 0.5)], description)
    merged = [f for f in result.foods if Source.DETECTOR in f.sources]
    assert [f.food for f in merged] == ["cakes"]
    assert merged[0].portion_grams == 120


def test_sources_that_disagree_keep_both_foods() -> None:
    description = Description(foods=(DescribedFood("rice", grams=180),), text="Rice.")
    result = fuse(
        [det("broccoli", 0.7)], description, FusionPolicy(describer_default_confidence=0.5)
    )
    by_name = {f.food: f for f in result.foods}
    assert set(by_name) == {"broccoli", "rice"}
    assert by_name["rice"].confidence == 0.5  # the policy default: no confidence given
    assert by_name["rice"].bbox is None
    assert by_name["rice"].portion_grams == 180
    assert by_name["broccoli"].portion_grams is None


def test_describer_counts_are_the_quantity_when_the_detector_saw_nothing() -> None:
    description = Description(foods=(DescribedFood("egg", grams=100, count=2),), text="")
    (egg,) = fuse([], description).foods
    assert egg.quantity == 2


def test_a_repeated_described_food_is_summed() -> None:
    description = Description(
        foods=(DescribedFood("Fries", grams=80), DescribedFood("fries", grams=40)), text=""
    )
    (fries,) = fuse([], description).foods
    assert fries.portion_grams == 120 and fries.quantity == 2


def test_nothing_seen_gives_an_empty_list_and_zero_score() -> None:
    result = fuse([], Description(foods=(), text="An empty plate."))
    assert result.foods == () and result.confidence_score == 0.0
    assert fuse([], None).confidence_score == 0.0


def test_list_is_cut_to_the_most_confident() -> None:
    result = fuse([det(f"food{i}", i / 10) for i in range(10)], None, FusionPolicy(max_foods=3))
    assert [f.food for f in result.foods] == ["food9", "food8", "food7"]


def test_value_objects_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="out of order"):
        BoundingBox(10, 0, 5, 5)
    with pytest.raises(ValueError, match="non-finite"):
        BoundingBox(0, 0, float("nan"), 5)
    with pytest.raises(ValueError, match="confidence"):
        Detection("apple", 1.5, box(0, 0, 1, 1))
    with pytest.raises(ValueError, match="grams"):
        DescribedFood("apple", grams=-3)
    with pytest.raises(ValueError, match="count"):
        DescribedFood("apple", count=0)


probabilities = st.floats(min_value=0, max_value=1)
names = st.sampled_from(
    [
        "apple",
        "Apples",
        "banana",
        "pizza",
        "hot dog",
        "rice",
        "cake",
        "bowl",
        "Cups",
        "dining table",
    ]
)


@given(
    st.lists(st.tuples(names, probabilities), max_size=12),
    st.lists(
        st.tuples(
            names, st.one_of(st.none(), st.floats(1, 2000)), st.one_of(st.none(), probabilities)
        ),
        max_size=8,
    ),
)
def test_fusion_properties(
    dets: list[tuple[str, float]], described: list[tuple[str, float | None, float | None]]
) -> None:
    detections = [det(n, c) for n, c in dets]
    description = Description(tuple(DescribedFood(n, g, None, c) for n, g, c in described), "")
    result = fuse(detections, description)
    listed = [normalise_food_name(f.food) for f in result.foods]
    keys = listed + [normalise_food_name(f.food) for f in result.uncertain]
    assert len(keys) == len(set(keys))  # one entry per food
    assert 0.0 <= result.confidence_score <= 1.0
    assert all(0.0 <= f.confidence <= 1.0 and f.quantity >= 1 for f in result.foods)
    # the list holds the sure foods, the rest are offered as suggestions
    assert all(f.confidence >= 0.3 for f in result.foods)
    assert all(f.confidence < 0.3 for f in result.uncertain)
    # every food either source saw is listed or suggested; containers never are
    seen = {normalise_food_name(n) for n, _ in dets} | {
        normalise_food_name(n) for n, _, _ in described
    }
    containers = {"bowl", "cup", "dining table"}
    assert set(keys) == seen - containers
    assert set(result.context) == {normalise_food_name(n) for n, _ in dets} & containers
    # agreement never lowers confidence below what the detector alone said
    for f in result.foods + result.uncertain:
        if f.bbox is not None:
            best = max(c for n, c in dets if normalise_food_name(n) == normalise_food_name(f.food))
            assert f.confidence >= round(best, 4) - 1e-9


@given(probabilities, probabilities)
def test_noisy_or_is_symmetric_and_bounded(a: float, b: float) -> None:
    c = combine_confidences(a, b)
    assert c == pytest.approx(combine_confidences(b, a))
    assert max(a, b) - 1e-12 <= c <= 1.0


def test_containers_are_context_never_food_and_the_fusion_says_so():
    from domain.food.vision import explain_fusion

    detections = [det("bowl", 0.9), det("banana", 0.8), det("banana", 0.7), det("cup", 0.6)]
    described = Description(
        (DescribedFood("plate", 300.0), DescribedFood("bananas", 240.0)), "Two bananas in a bowl."
    )
    result = fuse(detections, described, context=["dining table"])
    assert [(f.food, f.quantity, f.portion_grams) for f in result.foods] == [("bananas", 2, 240.0)]
    assert result.context == ("bowl", "cup", "dining table")
    text = explain_fusion(result, detector_ran=True, describer_ran=True)
    assert text.startswith("describer names and grams, detector boxes and counts: 1 seen by both")
    assert text.endswith("containers kept as context: bowl, cup, dining table")
