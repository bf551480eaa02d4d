"""/ready names reference data that was never imported: a production start without
`psi data import-usda` / `psi data import-recipes` would otherwise answer empty searches
and null nutrition without a word. It does not take the process out of rotation: accounts,
uploads and biometrics all work without it (docs/operations.md).

A profile that imports the packaged data on first use (the embedded one) has nothing to
warn about. The stores are resolved when /ready first asks, never at start-up: resolving
them is what triggers that first-use import.
"""

from __future__ import annotations

from dishka import AsyncContainer

from application.ports.nutrition import NutritionStore
from application.ports.recipes import RecipeCatalogue
from entrypoints.providers.nutrition import auto_import_enabled as usda_auto_import
from entrypoints.providers.recipes import auto_import_enabled as recipes_auto_import
from entrypoints.readiness import Readiness
from entrypoints.settings import Settings


async def advise_reference_data(container: AsyncContainer, settings: Settings) -> None:
    readiness = await container.get(Readiness)

    async def usda_foods() -> str | None:
        foods = await container.get(NutritionStore)
        if await foods.count(generic_only=True) == 0:
            return "none imported: run `psi data import-usda`"
        return None

    async def recipe_catalogue() -> str | None:
        recipes = await container.get(RecipeCatalogue)
        if await recipes.count() == 0:
            return "none imported: run `psi data import-recipes`"
        return None

    if not usda_auto_import(settings):
        readiness.advise("usda_foods", usda_foods)
    if not recipes_auto_import(settings):
        readiness.advise("recipes", recipe_catalogue)
