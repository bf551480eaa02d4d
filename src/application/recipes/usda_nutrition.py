"""Ingredient nutrition from the food area's USDA lookup (when that store holds data)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from application.nutrition.lookup import LookupNutrition
from domain.recipes.ingredients import Ingredient, food_phrase
from domain.recipes.nutrition import FoodFacts, Nutrients
from domain.recipes.text import fold

MIN_CONFIDENCE = 0.5
# Recipes weigh these before cooking: "1 cup rice" is dry rice, "500 g chicken" raw meat.
RAW_BY_DEFAULT = frozenset(
    {
        "rice",
        "pasta",
        "lentil",
        "bean",
        "chickpea",
        "quinoa",
        "oat",
        "couscous",
        "barley",
        "millet",
        "buckwheat",
        "wheat",
        "egg noodle",
        "rice noodle",
        "chicken",
        "turkey",
        "duck",
        "beef",
        "pork",
        "lamb",
        "bacon",
        "meat",
        "fish",
        "salmon",
        "tuna",
        "shrimp",
        "clam",
        "potato",
        "sweet potato",
    }
)
_COOKED_RE = re.compile(r"(?<!un)\b(?:cooked|leftover|boiled|steamed|roasted|grilled|baked)\b")


def lookup_query(ingredient: Ingredient) -> str:
    """What to ask the USDA catalogue for one line: the food's own words, and whether the
    line weighs it raw or cooked."""
    phrase = food_phrase(ingredient)
    folded = fold(ingredient.text)
    if _COOKED_RE.search(folded):
        return f"{phrase} cooked"
    if ingredient.name in RAW_BY_DEFAULT:
        return f"{phrase} raw"
    return phrase


class UsdaIngredientNutrition:
    """The best USDA match for each ingredient query, with its household portions."""

    name = "usda"

    def __init__(self, lookup: LookupNutrition, min_confidence: float = MIN_CONFIDENCE) -> None:
        self._lookup = lookup
        self._min_confidence = min_confidence

    async def facts(self, queries: Sequence[str]) -> dict[str, FoodFacts]:
        found: dict[str, FoodFacts] = {}
        for query in queries:
            result = await self._lookup(query)
            if (
                result is None or result.match_confidence < self._min_confidence
            ) and query.endswith((" raw", " cooked")):
                result = await self._lookup(query.rsplit(" ", 1)[0])
            if result is None or result.match_confidence < self._min_confidence:
                continue
            n = result.per_100g
            if n.calories is None:
                continue
            found[query] = FoodFacts(
                name=result.food_name,
                per_100g=Nutrients(
                    calories=n.calories,
                    protein_g=n.protein_g or 0.0,
                    carbs_g=n.carbs_g or 0.0,
                    fat_g=n.fat_g or 0.0,
                    fiber_g=n.fiber_g or 0.0,
                    sugar_g=n.sugar_g or 0.0,
                ),
                portions=result.portions,
            )
        return found
