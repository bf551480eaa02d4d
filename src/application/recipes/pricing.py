"""Nutrition per serving for recipes, from the USDA foods their lines name.

Used at import (every recipe at once) and, for a recipe stored without an estimate (an
import run before USDA data was there, or the embedded profile's automatic import), when
the recipe is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from application.ports.recipes import IngredientNutrition
from application.recipes.usda_nutrition import lookup_query
from domain.recipes.nutrition import estimate_nutrition
from domain.recipes.recipe import Recipe


async def with_nutrition(recipes: Sequence[Recipe], nutrition: IngredientNutrition) -> list[Recipe]:
    queries = {i: lookup_query(i) for r in recipes for i in r.ingredients if i.name}
    known = await nutrition.facts(sorted(set(queries.values())))
    priced: list[Recipe] = []
    for recipe in recipes:
        estimate = estimate_nutrition(
            recipe.ingredients,
            recipe.servings,
            lambda i: known.get(queries.get(i, "")),
            nutrition.name,
        )
        priced.append(
            replace(recipe, nutrition=estimate.per_serving, nutrition_coverage=estimate.coverage)
        )
    return priced
