"""Ingredient nutrition from the food area's USDA lookup (when that store holds data)."""

from __future__ import annotations

from collections.abc import Sequence

from application.nutrition.lookup import LookupNutrition
from domain.recipes.nutrition import Nutrients

MIN_CONFIDENCE = 0.5


class UsdaIngredientNutrition:
    """Per-100 g nutrients of the best USDA match for each ingredient name."""

    name = "usda"

    def __init__(self, lookup: LookupNutrition, min_confidence: float = MIN_CONFIDENCE) -> None:
        self._lookup = lookup
        self._min_confidence = min_confidence

    async def per_100g(self, names: Sequence[str]) -> dict[str, Nutrients]:
        found: dict[str, Nutrients] = {}
        for name in names:
            result = await self._lookup(name)
            if result is None or result.match_confidence < self._min_confidence:
                continue
            n = result.per_100g
            if n.calories is None:
                continue
            found[name] = Nutrients(
                calories=n.calories, protein_g=n.protein_g or 0.0, carbs_g=n.carbs_g or 0.0,
                fat_g=n.fat_g or 0.0, fiber_g=n.fiber_g or 0.0, sugar_g=n.sugar_g or 0.0)
        return found
