"""A recipe's allergens and the diets it fits, derived from its ingredients' traits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from domain.recipes.vocabulary import ALLERGEN_TRAITS, DIET_FORBIDS, Allergen, Diet, Trait


def allergens_of(traits: Iterable[Trait]) -> frozenset[Allergen]:
    present = set(traits)
    return frozenset(a for a, t in ALLERGEN_TRAITS.items() if t in present)


def diets_of(traits: Iterable[Trait]) -> frozenset[Diet]:
    """Diets none of whose rules the traits break."""
    present = frozenset(traits)
    fits = {d for d, forbidden in DIET_FORBIDS.items() if not present & forbidden}
    # Kosher also never mixes meat with milk in one dish.
    if Trait.MEAT in present and Trait.MILK in present:
        fits.discard(Diet.KOSHER)
    return frozenset(fits)


def violations(
    traits: Iterable[Trait], allergens: Iterable[Allergen], diets: Iterable[Diet]
) -> list[str]:
    """Plain reasons why food with `traits` is unsafe for someone (empty when it is safe)."""
    present = frozenset(traits)
    found = [f"contains {a.value}" for a in allergens if ALLERGEN_TRAITS[a] in present]
    fitting = diets_of(present)
    found += [f"not {d.value}" for d in diets if d not in fitting]
    return found


class Classified(Protocol):
    @property
    def traits(self) -> frozenset[Trait]: ...

    @property
    def verified(self) -> bool: ...


def recipe_violations(
    recipe: Classified, allergens: Iterable[Allergen], diets: Iterable[Diet]
) -> list[str]:
    """`violations` for a whole recipe, failing closed: a recipe with an unrecognised
    ingredient line is unsafe for anyone with an allergen or a diet to keep."""
    allergens, diets = list(allergens), list(diets)
    found = violations(recipe.traits, allergens, diets)
    if (allergens or diets) and not recipe.verified:
        found.append("has ingredients that could not be checked")
    return found
