"""Fridge matching on the real catalogue: ranking sanity, normalisation, persistence."""

from __future__ import annotations

import pytest

from adapters.recipes import tfidf_index
from adapters.recipes.serving import ServedFridgeIndex
from adapters.recipes.tfidf_index import FridgeIndex
from domain.recipes.fridge import PANTRY_STAPLES, normalise_fridge, split_by_fridge
from domain.recipes.vocabulary import Allergen, Diet
from tests.unit.recipes.catalogue import packaged_index, packaged_recipes

TITLES = {r.id: r.title for r in packaged_recipes()}


def ranked_titles(items, **filters) -> list[str]:
    matches = packaged_index().match(normalise_fridge(items), limit=len(TITLES), **filters)
    return [TITLES[m.recipe_id] for m in matches]


def best_rank(titles: list[str], word: str) -> int:
    return min((i for i, t in enumerate(titles) if word in t.lower()), default=10**9)


def test_eggs_milk_flour_ranks_pancakes_above_curries():
    titles = ranked_titles(["eggs", "milk", "flour"])
    pancakes, curries = best_rank(titles, "pancake"), best_rank(titles, "curry")
    assert pancakes < 20
    assert pancakes < curries


def test_chicken_rice_onion_garlic_tomato_ranks_curries_above_pancakes():
    titles = ranked_titles(["chicken breast", "rice", "onion", "garlic", "tomatoes"])
    assert best_rank(titles, "curry") < best_rank(titles, "pancake")


def test_a_fully_covered_recipe_has_score_one_and_nothing_missing():
    matches = packaged_index().match(
        normalise_fridge(["eggs", "milk", "flour", "butter", "sugar"]), limit=50
    )
    assert matches == sorted(matches, key=lambda m: -m.score)
    full = [m for m in matches if not m.missing]
    assert full
    for m in matches:
        assert 0 < m.score <= 1
        assert set(m.matched) <= {"egg", "milk", "flour", "butter", "sugar"}


def test_matched_and_missing_split_the_recipe_and_leave_staples_out():
    matched, missing = split_by_fridge(
        ["egg", "salt", "flour", "water", "milk"], frozenset({"egg", "milk"})
    )
    assert matched == ("egg", "milk")
    assert missing == ("flour",)
    assert not PANTRY_STAPLES & set(matched + missing)


def test_free_text_fridge_items_are_normalised():
    assert normalise_fridge(["2 Spring Onions", "aubergines", "", "  "]) == {"scallion", "eggplant"}


def test_filters_remove_unsafe_recipes():
    everything = ["eggs", "milk", "flour", "butter", "peanut butter", "shrimp", "bacon"]
    unfiltered = packaged_index().match(normalise_fridge(everything), limit=200)
    safe = packaged_index().match(
        normalise_fridge(everything),
        limit=200,
        allergens=[Allergen.EGGS, Allergen.PEANUTS],
        diets=[Diet.VEGETARIAN],
    )
    recipes = {r.id: r for r in packaged_recipes()}
    assert any(Allergen.EGGS in recipes[m.recipe_id].allergens for m in unfiltered)
    for m in safe:
        r = recipes[m.recipe_id]
        assert not {Allergen.EGGS, Allergen.PEANUTS} & r.allergens
        assert Diet.VEGETARIAN in r.diets


def test_disliked_foods_are_left_out():
    matches = packaged_index().match(
        normalise_fridge(["eggs", "milk", "flour"]), limit=100, disliked=["sugar"]
    )
    names = {r.id: r.ingredient_names for r in packaged_recipes()}
    assert matches
    assert all("sugar" not in names[m.recipe_id] for m in matches)


def test_unknown_or_empty_fridges_match_nothing():
    assert packaged_index().match(frozenset({"unobtainium"})) == []
    assert packaged_index().match(frozenset({"salt", "water"})) == []


def test_saved_index_reloads_identical_and_is_not_refitted(tmp_path, monkeypatch):
    path = tmp_path / "fridge.npz"
    packaged_index().save(path)

    def no_fitting(*args, **kwargs):
        raise AssertionError("the index must not be refitted to answer a request")

    monkeypatch.setattr(tfidf_index.TfidfVectorizer, "fit_transform", no_fitting)
    served = ServedFridgeIndex(path)
    assert served.version == packaged_index().version
    fridge = normalise_fridge(["eggs", "milk", "flour", "onion", "tomato"])
    for _ in range(20):
        assert served.match(fridge, limit=15) == packaged_index().match(fridge, limit=15)


def test_a_served_index_without_a_file_matches_nothing_until_built(tmp_path):
    served = ServedFridgeIndex(tmp_path / "none.npz")
    assert served.version is None
    assert served.match(frozenset({"egg"})) == []
    version = served.rebuild(packaged_recipes()[:50])
    assert served.version == version == served.version_of(packaged_recipes()[:50])
    assert (tmp_path / "none.npz").exists()


def test_an_index_of_another_format_is_refused(tmp_path):
    path = tmp_path / "old.npz"
    packaged_index().save(path)
    monkey = FridgeIndex.load(path)
    assert monkey.version == packaged_index().version
    tfidf_index_format = tfidf_index.INDEX_FORMAT
    try:
        tfidf_index.INDEX_FORMAT = tfidf_index_format + 1
        with pytest.raises(ValueError, match="format"):
            FridgeIndex.load(path)
    finally:
        tfidf_index.INDEX_FORMAT = tfidf_index_format
