"""Import the recipe catalogue: interpret source records, store them, refit the fridge index.

Idempotent: recipe ids are derived from the source page, so a second import of the
same data replaces rows with identical ones and leaves the version unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from application.ports.recipes import FridgeIndexBuilder, IngredientNutrition, RecipeCatalogue
from application.recipes.pricing import with_nutrition
from domain.recipes.recipe import SourceLicence, SourceRecipe, build_recipe

BATCH = 250


@dataclass(frozen=True, slots=True)
class ImportReport:
    recipes: int
    with_nutrition: int
    version: str
    unchanged: bool


@dataclass(slots=True)
class ImportRecipes:
    catalogue: RecipeCatalogue
    index: FridgeIndexBuilder
    nutrition: IngredientNutrition | None = None

    async def __call__(
        self,
        licence: SourceLicence,
        sources: Sequence[SourceRecipe],
        progress: Callable[[int], None] = lambda n: None,
    ) -> ImportReport:
        recipes = [build_recipe(s, licence) for s in sources]
        recipes = list({r.id: r for r in recipes}.values())  # a page listed twice counts once
        if self.nutrition is not None:
            recipes = await with_nutrition(recipes, self.nutrition)
        version = self.index.version_of(recipes)
        unchanged = await self.catalogue.version() == version
        for start in range(0, len(recipes), BATCH):
            batch = recipes[start : start + BATCH]
            await self.catalogue.upsert_many(batch)
            progress(len(batch))
        self.index.rebuild(recipes)
        await self.catalogue.set_version(version)
        return ImportReport(
            len(recipes), sum(r.nutrition is not None for r in recipes), version, unchanged
        )


@dataclass(slots=True)
class PrepareFridgeIndex:
    """At start-up: serve the saved index if it fits the stored catalogue, else refit it."""

    catalogue: RecipeCatalogue
    index: FridgeIndexBuilder

    async def __call__(self, loaded_version: str | None) -> str | None:
        stored = await self.catalogue.version()
        if stored is None or stored == loaded_version:
            return loaded_version
        recipes = await self.catalogue.all()
        return self.index.rebuild(recipes)
