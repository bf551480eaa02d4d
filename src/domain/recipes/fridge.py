"""Fridge matching vocabulary: what a match is, and what every kitchen is assumed to have."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from domain.recipes.ingredients import normalise_food_name

# Never asked for, never counted missing.
PANTRY_STAPLES = frozenset({"water", "salt", "black pepper"})
MAX_FRIDGE_ITEMS = 100
MAX_LIMIT = 50


@dataclass(frozen=True, slots=True)
class FridgeMatch:
    recipe_id: uuid.UUID
    score: float
    matched: tuple[str, ...]
    missing: tuple[str, ...]


def normalise_fridge(items: Iterable[str]) -> frozenset[str]:
    """Free-text fridge items as catalogue names ("2 Spring Onions" -> "scallion")."""
    names = {normalise_food_name(item) for item in items if item and item.strip()}
    return frozenset(n for n in names if n)


def split_by_fridge(
    recipe_names: Iterable[str], fridge: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(matched, missing) names of a recipe, pantry staples left out of both."""
    matched: list[str] = []
    missing: list[str] = []
    for name in recipe_names:
        if name in PANTRY_STAPLES:
            continue
        (matched if name in fridge else missing).append(name)
    return tuple(matched), tuple(missing)
