"""/ready names reference data that was never imported: a production start without
`psi data import-usda` / `psi data import-recipes` would otherwise answer empty searches
and null nutrition without a word. It does not take the process out of rotation: accounts,
uploads and biometrics all work without it (docs/operations.md)."""

from __future__ import annotations

from dishka import AsyncContainer

from application.ports.nutrition import NutritionStore
from application.ports.recipes import RecipeCatalogue
from entrypoints.readiness import Readiness


async def advise_reference_data(container: AsyncContainer) -> None:
    readiness = await container.get(Readiness)
    foods = await container.get(NutritionStore)
    recipes = await container.get(RecipeCatalogue)

    async def usda_foods() -> str | None:
        if await foods.count(generic_only=True) == 0:
            return "none imported: run `psi data import-usda`"
        return None

    async def recipe_catalogue() -> str | None:
        if await recipes.count() == 0:
            return "none imported: run `psi data import-recipes`"
        return None

    readiness.advise("usda_foods", usda_foods)
    readiness.advise("recipes", recipe_catalogue)
