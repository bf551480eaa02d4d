"""Browsing the recipe catalogue: search and one recipe, with their average ratings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from uuid import UUID

from application.ports.reads import PRIMARY_READS, ReadRouting
from application.ports.recipes import (
    IngredientNutrition,
    RecipeCatalogue,
    RecipePage,
    RecipeQuery,
    RecipeRatings,
)
from application.recipes.pricing import with_nutrition
from domain.errors import NotFound, ValidationFailed
from domain.recipes.rating import NO_RATINGS, RatingSummary
from domain.recipes.recipe import Recipe

MAX_QUERY = 200


@dataclass(slots=True)
class SearchRecipes:
    catalogue: RecipeCatalogue
    ratings: RecipeRatings
    reads: ReadRouting = PRIMARY_READS

    async def __call__(self, query: RecipeQuery) -> tuple[RecipePage, dict[UUID, RatingSummary]]:
        if query.q is not None and len(query.q) > MAX_QUERY:
            raise ValidationFailed.single("q", f"at most {MAX_QUERY} characters")
        return await self.reads.read(None, partial(self._read, query))

    async def _read(self, query: RecipeQuery) -> tuple[RecipePage, dict[UUID, RatingSummary]]:
        page = await self.catalogue.search(query)
        summaries = await self.ratings.summaries([r.id for r in page.items])
        return page, summaries


@dataclass(slots=True)
class GetRecipe:
    """One recipe; one stored without a nutrition estimate is priced as it is read."""

    catalogue: RecipeCatalogue
    ratings: RecipeRatings
    nutrition: IngredientNutrition
    reads: ReadRouting = PRIMARY_READS

    async def __call__(self, recipe_id: UUID) -> tuple[Recipe, RatingSummary]:
        return await self.reads.read(None, partial(self._read, recipe_id))

    async def _read(self, recipe_id: UUID) -> tuple[Recipe, RatingSummary]:
        recipe = await self.catalogue.get(recipe_id)
        if recipe is None:
            raise NotFound()
        if recipe.nutrition_coverage is None and recipe.ingredients:
            recipe = (await with_nutrition([recipe], self.nutrition))[0]
        summaries = await self.ratings.summaries([recipe_id])
        return recipe, summaries.get(recipe_id, NO_RATINGS)
