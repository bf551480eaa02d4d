"""Nutrition per serving, estimated from ingredient quantities and per-100 g nutrient data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.recipes.ingredients import Ingredient

NUTRIENT_FIELDS = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "sugar_g")

# Grams per unit for units that measure weight or (taking water's density) volume.
_GRAMS_PER_UNIT = {
    "g": 1.0, "kg": 1000.0, "mg": 0.001, "oz": 28.35, "lb": 453.6, "ml": 1.0, "l": 1000.0,
    "dl": 100.0, "cl": 10.0, "cup": 240.0, "tbsp": 15.0, "tsp": 5.0, "fl_oz": 29.6,
    "pint": 473.0, "quart": 946.0, "gallon": 3785.0, "pinch": 0.4, "dash": 0.6, "drop": 0.05,
    "clove": 4.0, "can": 400.0, "jar": 350.0, "package": 250.0, "bottle": 500.0,
    "stick": 113.0, "slice": 30.0, "handful": 30.0, "sprig": 1.0, "stalk": 40.0,
    "bunch": 100.0, "knob": 15.0, "fillet": 150.0, "head": 500.0, "cube": 10.0,
}
# Typical weight of one item counted without a unit ("2 eggs", "1 onion").
_GRAMS_PER_ITEM = {
    "egg": 50.0, "onion": 110.0, "garlic": 4.0, "tomato": 120.0, "potato": 170.0,
    "carrot": 60.0, "lemon": 85.0, "lime": 65.0, "apple": 180.0, "banana": 120.0,
    "orange": 150.0, "bell pepper": 150.0, "chili": 15.0, "scallion": 15.0, "shallot": 30.0,
    "avocado": 150.0, "zucchini": 200.0, "eggplant": 450.0, "cucumber": 300.0,
    "chicken": 170.0, "sweet potato": 130.0, "plantain": 180.0, "mushroom": 18.0,
}
_DEFAULT_ITEM_GRAMS = 100.0


@dataclass(frozen=True, slots=True)
class Nutrients:
    """Amounts per 100 g of one food."""

    calories: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    sugar_g: float


@dataclass(frozen=True, slots=True)
class NutritionPerServing:
    calories: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    sugar_g: float
    coverage: float  # share of ingredient lines with a quantity and a nutrient match
    source: str


def grams_of(ingredient: Ingredient) -> float | None:
    """Estimated weight of an ingredient line; None when the line has no quantity."""
    if ingredient.quantity is None:
        return None
    amount = ingredient.quantity
    if ingredient.quantity_max is not None:
        amount = (ingredient.quantity + ingredient.quantity_max) / 2
    if ingredient.unit is None:
        return amount * _GRAMS_PER_ITEM.get(ingredient.name, _DEFAULT_ITEM_GRAMS)
    per_unit = _GRAMS_PER_UNIT.get(ingredient.unit)
    return amount * per_unit if per_unit is not None else None


def estimate_per_serving(ingredients: Iterable[Ingredient], servings: int | None,
                         per_100g: Callable[[str], Nutrients | None],
                         source: str) -> NutritionPerServing | None:
    """Sum what can be estimated and divide by servings (1 when unknown).

    None when nothing could be estimated; `coverage` says how much of the recipe
    the figures stand for, so a client can show them as partial.
    """
    totals = dict.fromkeys(NUTRIENT_FIELDS, 0.0)
    lines = 0
    counted = 0
    for ingredient in ingredients:
        lines += 1
        grams = grams_of(ingredient)
        nutrients = per_100g(ingredient.name) if grams is not None else None
        if grams is None or nutrients is None:
            continue
        counted += 1
        for name in NUTRIENT_FIELDS:
            totals[name] += getattr(nutrients, name) * grams / 100.0
    if counted == 0:
        return None
    portions = servings if servings and servings > 0 else 1
    values = {k: round(v / portions, 1) for k, v in totals.items()}
    return NutritionPerServing(**values, coverage=round(counted / lines, 2), source=source)
