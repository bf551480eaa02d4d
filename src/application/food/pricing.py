"""Nutrition for a list of foods: each matched to a USDA food, scaled to its portion,
and summed for the meal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.nutrition.lookup import LookupNutrition, NutritionLookup
from domain.food.analysis import FoodItem, UsdaMatch
from domain.food.vision import BoundingBox
from domain.nutrition.nutrients import Nutrients, total

# `models.nutrition_source`: where the numbers came from, as the matched foods say
# (``usda_offline``: the USDA extract shipped with Psi; ``usda_fdc_api``: FoodData
# Central's API); several sources in one meal are joined with "+".


@dataclass(frozen=True, slots=True)
class FoodToPrice:
    food: str
    confidence: float
    bbox: BoundingBox | None = None
    quantity: int = 1
    # None: one typical unit of the food (its USDA default portion) times `quantity`,
    # so 3 bananas are 3 x one banana.
    grams: float | None = None


@dataclass(frozen=True, slots=True)
class PricedMeal:
    foods: tuple[FoodItem, ...]
    nutrition: Nutrients
    source: str | None


def usda_match(found: NutritionLookup | None) -> UsdaMatch | None:
    if found is None:
        return None
    return UsdaMatch(
        name=found.food_name,
        fdc_id=found.fdc_id,
        data_type=str(found.data_type),
        confidence=min(1.0, max(0.0, round(found.match_confidence, 4))),
    )


async def price_foods(lookup: LookupNutrition, foods: Sequence[FoodToPrice]) -> PricedMeal:
    items: list[FoodItem] = []
    parts: list[Nutrients] = []
    sources: set[str] = set()
    for f in foods:
        found: NutritionLookup | None = await lookup(f.food, f.grams)
        grams = f.grams
        if found is not None:
            sources.add(found.source)
            if grams is None:
                grams = found.portion_grams * f.quantity
                parts.append(found.per_100g.for_portion(grams))
            else:
                parts.append(found.nutrients)
        items.append(
            FoodItem(
                food=f.food,
                confidence=f.confidence,
                bbox=f.bbox,
                quantity=f.quantity,
                portion_grams=None if grams is None else round(grams, 1),
                fdc_id=found.fdc_id if found is not None else None,
                match=usda_match(found),
            )
        )
    return PricedMeal(
        tuple(items), total(parts).rounded(), "+".join(sorted(sources)) if sources else None
    )
