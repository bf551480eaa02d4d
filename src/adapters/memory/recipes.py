"""In-process recipe catalogue and ratings (tests, and single-process tools)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from uuid import UUID

from application.ports.recipes import RecipePage, RecipeQuery
from domain.recipes.nutrition import FoodFacts
from domain.recipes.rating import Rating, RatingSummary
from domain.recipes.recipe import Recipe
from domain.recipes.text import fold


def matches_query(recipe: Recipe, query: RecipeQuery) -> bool:
    if query.cuisine is not None and recipe.cuisine != query.cuisine:
        return False
    if query.diet is not None and query.diet not in recipe.diets:
        return False
    if query.max_minutes is not None and (
        recipe.total_minutes is None or recipe.total_minutes > query.max_minutes
    ):
        return False
    if query.q:
        haystack = recipe.search_text or fold(recipe.title)
        return all(word in haystack for word in fold(query.q).split())
    return True


class MemoryRecipeCatalogue:
    def __init__(self) -> None:
        self._items: dict[UUID, Recipe] = {}
        self._version: str | None = None

    async def upsert_many(self, recipes: Sequence[Recipe]) -> None:
        for recipe in recipes:
            self._items[recipe.id] = recipe

    async def set_version(self, version: str) -> None:
        self._version = version

    async def version(self) -> str | None:
        return self._version

    async def count(self) -> int:
        return len(self._items)

    async def get(self, recipe_id: UUID) -> Recipe | None:
        return self._items.get(recipe_id)

    async def get_many(self, recipe_ids: Sequence[UUID]) -> dict[UUID, Recipe]:
        return {i: self._items[i] for i in recipe_ids if i in self._items}

    async def search(self, query: RecipeQuery) -> RecipePage:
        found = sorted(
            (r for r in self._items.values() if matches_query(r, query)),
            key=lambda r: (fold(r.title)[:300], str(r.id)),
        )
        start = (query.page - 1) * query.per_page
        return RecipePage(found[start : start + query.per_page], len(found))

    async def all(self) -> list[Recipe]:
        return list(self._items.values())


class MemoryRecipeRatings:
    def __init__(self) -> None:
        self._items: dict[tuple[UUID, UUID], Rating] = {}

    async def upsert(self, rating: Rating) -> Rating:
        key = (rating.user_id, rating.recipe_id)
        existing = self._items.get(key)
        stored = replace(rating, created_at=existing.created_at) if existing else rating
        self._items[key] = stored
        return stored

    async def get(self, user_id: UUID, recipe_id: UUID) -> Rating | None:
        return self._items.get((user_id, recipe_id))

    async def delete(self, user_id: UUID, recipe_id: UUID) -> bool:
        return self._items.pop((user_id, recipe_id), None) is not None

    async def summaries(self, recipe_ids: Sequence[UUID]) -> dict[UUID, RatingSummary]:
        wanted = set(recipe_ids)
        stars: dict[UUID, list[int]] = {}
        for (_, recipe_id), rating in self._items.items():
            if recipe_id in wanted:
                stars.setdefault(recipe_id, []).append(rating.rating)
        return {k: RatingSummary(round(sum(v) / len(v), 2), len(v)) for k, v in stars.items()}

    async def for_user(self, user_id: UUID) -> list[Rating]:
        found = [r for (u, _), r in self._items.items() if u == user_id]
        return sorted(found, key=lambda r: (r.updated_at, str(r.recipe_id)), reverse=True)

    async def delete_for_user(self, user_id: UUID) -> int:
        keys = [k for k in self._items if k[0] == user_id]
        for key in keys:
            del self._items[key]
        return len(keys)


class MemoryIngredientNutrition:
    """IngredientNutrition over a fixed table of USDA facts, keyed by look-up query (tests,
    and tools that bring their own foods)."""

    def __init__(self, table: dict[str, FoodFacts], name: str = "memory") -> None:
        self._table = table
        self.name = name

    async def facts(self, queries: Sequence[str]) -> dict[str, FoodFacts]:
        found: dict[str, FoodFacts] = {}
        for query in queries:
            facts = self._table.get(query)
            if facts is None and query.endswith((" raw", " cooked")):
                facts = self._table.get(query.rsplit(" ", 1)[0])
            if facts is not None:
                found[query] = facts
        return found
