"""What can I make from what's in my fridge, given my allergies, diet and dislikes?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.ports.preferences import PreferencesCache, PreferencesStore
from application.ports.recipes import FridgeMatcher, RecipeCatalogue
from application.preferences.use_cases import GetPreferences
from domain.errors import FieldError, ValidationFailed
from domain.recipes.classification import recipe_violations
from domain.recipes.fridge import MAX_FRIDGE_ITEMS, MAX_LIMIT, FridgeMatch, normalise_fridge
from domain.recipes.ingredients import normalise_food_name
from domain.recipes.recipe import Recipe

MAX_ITEM_LENGTH = 100


@dataclass(frozen=True, slots=True)
class FridgeResult:
    recipe: Recipe
    match: FridgeMatch


@dataclass(slots=True)
class MatchFridge:
    matcher: FridgeMatcher
    catalogue: RecipeCatalogue
    store: PreferencesStore
    cache: PreferencesCache

    async def __call__(
        self, user_id: UUID, items: Sequence[str], limit: int = 10
    ) -> list[FridgeResult]:
        _check(items, limit)
        preferences = await GetPreferences(self.store, self.cache)(user_id)
        fridge = normalise_fridge(items)
        disliked = {normalise_food_name(d) for d in preferences.disliked_foods}
        matches = self.matcher.match(
            fridge,
            allergens=preferences.allergens,
            diets=preferences.dietary_restrictions,
            disliked=disliked,
            limit=limit,
        )
        recipes = await self.catalogue.get_many([m.recipe_id for m in matches])
        results: list[FridgeResult] = []
        for match in matches:
            recipe = recipes.get(match.recipe_id)
            # The index filters already; the recipe itself is checked again so that a stale
            # index can never serve someone their allergen.
            if recipe is None or recipe_violations(
                recipe, preferences.allergens, preferences.dietary_restrictions
            ):
                continue
            results.append(FridgeResult(recipe, match))
        return results


def _check(items: Sequence[str], limit: int) -> None:
    errors: list[FieldError] = []
    if not items:
        errors.append(FieldError("ingredients", "name at least one ingredient"))
    if len(items) > MAX_FRIDGE_ITEMS:
        errors.append(FieldError("ingredients", f"at most {MAX_FRIDGE_ITEMS} ingredients"))
    for index, item in enumerate(items):
        if not item.strip() or len(item) > MAX_ITEM_LENGTH:
            errors.append(
                FieldError(f"ingredients[{index}]", f"must be 1-{MAX_ITEM_LENGTH} characters")
            )
    if not 1 <= limit <= MAX_LIMIT:
        errors.append(FieldError("limit", f"must be between 1 and {MAX_LIMIT}"))
    if errors:
        raise ValidationFailed(errors)
