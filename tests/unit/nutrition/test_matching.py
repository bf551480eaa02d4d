from __future__ import annotations

from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.matching import PortionSource, default_portion, rank
from domain.nutrition.nutrients import Nutrients

FULL = Nutrients(calories=50.0, protein_g=1.0, carbs_g=10.0, fat_g=0.5, fiber_g=2.0, sugar_g=8.0)


def food(
    name: str,
    data_type: DataType = DataType.SR_LEGACY,
    *,
    portion: Portion | None = None,
    per_100g: Nutrients = FULL,
) -> Food:
    return Food(
        id=offline_food_id(data_type, name),
        name=name,
        data_type=data_type,
        per_100g=per_100g,
        portion=portion,
    )


def names(query: str, foods: list[Food]) -> list[str]:
    return [m.food.name for m in rank(query, foods)]


def test_whole_food_beats_processed_forms() -> None:
    foods = [
        food("Apple juice, canned"),
        food("Apple pie, commercially prepared"),
        food("Apples, raw, with skin"),
        food("Applesauce, canned, sweetened"),
    ]
    assert names("apple", foods)[0] == "Apples, raw, with skin"


def test_generic_data_sets_beat_branded_for_the_same_description() -> None:
    foods = [
        food("BANANAS, RAW", DataType.BRANDED),
        food("Bananas, raw", DataType.SURVEY),
        food("Bananas, raw", DataType.SR_LEGACY),
        food("Bananas, raw", DataType.FOUNDATION),
    ]
    assert [m.food.data_type for m in rank("banana", foods)] == [
        DataType.FOUNDATION,
        DataType.SR_LEGACY,
        DataType.SURVEY,
        DataType.BRANDED,
    ]


def test_restaurant_items_in_sr_legacy_rank_like_brands() -> None:
    foods = [food("McDONALD'S, french fries"), food("Potato, french fries, NFS", DataType.SURVEY)]
    assert names("french fries", foods)[0] == "Potato, french fries, NFS"


def test_shorter_description_wins_when_all_else_is_equal() -> None:
    foods = [food("Broccoli, raw, florets, organic"), food("Broccoli, raw")]
    assert names("broccoli", foods) == ["Broccoli, raw", "Broccoli, raw, florets, organic"]


def test_missing_energy_costs_confidence() -> None:
    measured = food("Kale, raw")
    unmeasured = food("Kale, raw", DataType.FOUNDATION, per_100g=Nutrients(protein_g=3.0))
    ranked = rank("kale", [unmeasured, measured])
    assert ranked[0].food is measured


def test_confidence_is_in_range_and_drops_with_missing_words() -> None:
    foods = [food("Chicken breast, grilled"), food("Chicken, thigh, raw")]
    ranked = {m.food.name: m.confidence for m in rank("grilled chicken breast", foods)}
    assert all(0 < c <= 1 for c in ranked.values())
    assert ranked["Chicken breast, grilled"] > 0.8
    assert ranked["Chicken, thigh, raw"] < 0.5


def test_unrelated_foods_do_not_match() -> None:
    assert rank("banana", [food("Broccoli, raw")]) == []
    assert rank("", [food("Broccoli, raw")]) == []


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    foods = [food(f"Rice, {kind}, cooked") for kind in ("white", "brown", "wild", "red")]
    assert names("rice", foods) == names("rice", list(reversed(foods)))


def test_default_portion_prefers_own_then_closest_relative_then_100g() -> None:
    own = food("Broccoli, raw", DataType.FOUNDATION, portion=Portion(76.0, "cup"))
    ranked = rank("broccoli", [own])
    assert default_portion(own, ranked).grams == 76.0
    assert default_portion(own, ranked).source is PortionSource.OWN

    bare = food("Apple, raw", DataType.SURVEY)
    peeled = food("Apples, raw, without skin", portion=Portion(110.0))
    fuji = food("Apples, fuji, with skin, raw, organic", portion=Portion(200.0, "large"))
    pie = food("Pie, apple", portion=Portion(125.0, "slice"))
    ranked = rank("apple", [bare, peeled, fuji, pie])
    choice = default_portion(bare, ranked)
    assert (choice.grams, choice.source) == (110.0, PortionSource.SIMILAR)

    lonely = food("Durian, raw")
    choice = default_portion(lonely, rank("durian", [lonely]))
    assert (choice.grams, choice.source) == (100.0, PortionSource.DEFAULT)


def test_offline_ids_are_stable_and_outside_fdc_range() -> None:
    a = offline_food_id(DataType.SR_LEGACY, "Bananas, raw")
    assert a == offline_food_id(DataType.SR_LEGACY, "Bananas, raw")
    assert a != offline_food_id(DataType.SURVEY, "Bananas, raw")
    assert 2**40 < a < 2**53
