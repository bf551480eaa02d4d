"""The safety property over the whole catalogue: a fridge match never contains one of the
person's allergens and never breaks one of their diets.

The check re-derives every returned recipe's allergens and diets from its raw ingredient
lines, independently of the index's precomputed masks.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.recipes.classification import allergens_of, diets_of
from domain.recipes.ingredients import parse_ingredient
from domain.recipes.vocabulary import Allergen, Diet, Trait
from tests.unit.recipes.catalogue import packaged_index, packaged_recipes

RECIPES = {r.id: r for r in packaged_recipes()}
VOCABULARY = sorted(packaged_index().vocabulary)


@cache
def traits_from_raw_lines(recipe_id) -> frozenset[Trait]:
    traits: set[Trait] = set()
    for ingredient in RECIPES[recipe_id].ingredients:
        traits |= parse_ingredient(ingredient.text).traits
    return frozenset(traits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    allergens=st.sets(st.sampled_from(list(Allergen)), max_size=4),
    diets=st.sets(st.sampled_from(list(Diet)), max_size=2),
    fridge=st.sets(st.sampled_from(VOCABULARY), min_size=1, max_size=25),
)
def test_no_match_holds_an_allergen_or_breaks_a_diet(allergens, diets, fridge):
    matches = packaged_index().match(frozenset(fridge), allergens=allergens, diets=diets, limit=50)
    for match in matches:
        traits = traits_from_raw_lines(match.recipe_id)
        assert not allergens_of(traits) & allergens, RECIPES[match.recipe_id].title
        assert set(diets) <= diets_of(traits), RECIPES[match.recipe_id].title


def test_every_allergen_and_diet_filter_is_exact_over_the_catalogue():
    """The index's masks agree with the recipes for every allergen and diet, so the filter
    removes exactly the unsafe and the unverified recipes (not more, not fewer)."""
    index = packaged_index()
    for allergen in Allergen:
        allowed = index.allowed([allergen], [])
        for row, raw in enumerate(index.recipe_ids):
            recipe = RECIPES[_uuid(raw)]
            assert bool(allowed[row]) == (recipe.verified and allergen not in recipe.allergens)
    for diet in Diet:
        allowed = index.allowed([], [diet])
        for row, raw in enumerate(index.recipe_ids):
            recipe = RECIPES[_uuid(raw)]
            assert bool(allowed[row]) == (diet in recipe.diets)
            assert recipe.verified or diet not in recipe.diets


def test_every_recipe_is_reachable_and_safe_when_the_whole_vocabulary_is_in_the_fridge():
    index = packaged_index()
    everything = frozenset(VOCABULARY)
    for allergen in Allergen:
        for match in index.match(everything, allergens=[allergen], limit=len(RECIPES)):
            assert allergen not in allergens_of(traits_from_raw_lines(match.recipe_id))


def _uuid(raw):
    import uuid

    return uuid.UUID(bytes=raw.tobytes())
