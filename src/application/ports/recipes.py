"""Ports of the recipes area: the catalogue, ratings, fridge matching, ingredient nutrition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.recipes.fridge import FridgeMatch
from domain.recipes.nutrition import FoodFacts
from domain.recipes.rating import Rating, RatingSummary
from domain.recipes.recipe import Recipe
from domain.recipes.vocabulary import Allergen, Cuisine, Diet


@dataclass(frozen=True, slots=True)
class RecipeQuery:
    q: str | None = None  # words that must all appear in the title, category or ingredients
    cuisine: Cuisine | None = None
    diet: Diet | None = None
    max_minutes: int | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True, slots=True)
class RecipePage:
    items: list[Recipe]
    total: int


class RecipeCatalogue(Protocol):
    """The imported recipes. Browsing order is the title (then id)."""

    async def upsert_many(self, recipes: Sequence[Recipe]) -> None:
        """Insert or replace by id; importing the same recipes twice changes nothing."""
        ...

    async def set_version(self, version: str) -> None:
        """Record which catalogue (a digest) is stored, once an import finished."""
        ...

    async def version(self) -> str | None: ...

    async def count(self) -> int: ...

    async def get(self, recipe_id: UUID) -> Recipe | None: ...

    async def get_many(self, recipe_ids: Sequence[UUID]) -> dict[UUID, Recipe]: ...

    async def search(self, query: RecipeQuery) -> RecipePage: ...

    async def all(self) -> list[Recipe]: ...


class RecipeRatings(Protocol):
    """One rating per (user, recipe)."""

    async def upsert(self, rating: Rating) -> Rating:
        """Store the rating; an existing one keeps its `created_at`. Returns what is stored."""
        ...

    async def get(self, user_id: UUID, recipe_id: UUID) -> Rating | None: ...

    async def delete(self, user_id: UUID, recipe_id: UUID) -> bool:
        """True when a rating was there."""
        ...

    async def summaries(self, recipe_ids: Sequence[UUID]) -> dict[UUID, RatingSummary]:
        """Average and count per recipe; recipes with no rating are left out."""
        ...

    async def for_user(self, user_id: UUID) -> list[Rating]:
        """Every rating of a user, newest first (data export)."""
        ...

    async def delete_for_user(self, user_id: UUID) -> int:
        """Remove every rating of a user (purge); returns how many."""
        ...


class FridgeMatcher(Protocol):
    """Ranks the catalogue by how well a set of ingredient names covers each recipe."""

    def match(
        self,
        fridge: frozenset[str],
        *,
        allergens: Iterable[Allergen] = (),
        diets: Iterable[Diet] = (),
        disliked: Iterable[str] = (),
        limit: int = 10,
    ) -> list[FridgeMatch]:
        """Best matches first; never a recipe with one of `allergens`, breaking one of
        `diets`, or using a `disliked` name."""
        ...


class FridgeIndexBuilder(Protocol):
    """Fits the matcher's index on a catalogue and keeps it for the next start."""

    def rebuild(self, recipes: Sequence[Recipe]) -> str:
        """Fit, persist and start serving a new index; returns the catalogue version."""
        ...

    def version_of(self, recipes: Sequence[Recipe]) -> str: ...


class IngredientNutrition(Protocol):
    """The USDA food an ingredient phrase means: nutrients per 100 g and its portions."""

    name: str

    async def facts(self, queries: Sequence[str]) -> dict[str, FoodFacts]:
        """The queries it matches with confidence; the others are left out."""
        ...
