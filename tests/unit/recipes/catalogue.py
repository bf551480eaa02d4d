"""The packaged catalogue, parsed once per test process (it takes a few seconds)."""

from __future__ import annotations

from functools import cache

from adapters.recipes.tfidf_index import FridgeIndex
from adapters.recipes.wikibooks import read_recipes
from domain.recipes.recipe import Recipe, build_recipe


@cache
def packaged_recipes() -> tuple[Recipe, ...]:
    licence, sources = read_recipes()
    return tuple(build_recipe(s, licence) for s in sources)


@cache
def packaged_index() -> FridgeIndex:
    return FridgeIndex.build(packaged_recipes())


def by_title(title: str) -> Recipe:
    return next(r for r in packaged_recipes() if r.title == title)
