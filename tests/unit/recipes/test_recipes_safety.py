"""Recipe safety fails closed: steps count, unknown lines unverify, markup stays out."""

from __future__ import annotations

import pytest

from adapters.recipes.codec import recipe_from_document, recipe_to_document
from adapters.recipes.tfidf_index import FridgeIndex
from domain.recipes.classification import recipe_violations
from domain.recipes.recipe import SourceLicence, SourceRecipe, build_recipe
from domain.recipes.safety import text_traits
from domain.recipes.text import strip_markup
from domain.recipes.vocabulary import Allergen, Diet, Trait

LICENCE = SourceLicence(
    "Test",
    "https://example.org/wiki/",
    "someone",
    "CC BY-SA 4.0",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "none",
)


def recipe(lines, steps=("Cook.",), title="Test", key="Cookbook:Test"):
    return build_recipe(SourceRecipe(key, title, tuple(lines), tuple(steps)), LICENCE)


def test_an_allergen_named_only_in_the_steps_counts():
    dumplings = recipe(
        ["2 cups flour", "1 egg", "Salt"],
        ["Mix the flour and egg.", "Fill each dumpling with ricotta and fold."],
    )
    assert Allergen.MILK in dumplings.allergens
    assert Diet.DAIRY_FREE not in dumplings.diets
    assert recipe_violations(dumplings, {Allergen.MILK}, ()) == ["contains milk"]


def test_the_title_counts_too():
    assert Allergen.MILK in recipe(["2 potatoes"], title="Cheese Potatoes").allergens


@pytest.mark.parametrize(
    "line",
    [
        "4 rashers of bacon",
        "1 tbsp fish sauce",
        "1 cup milk",
        "2 tbsp ghee",
        "100 g paneer",
        "1 tsp Worcestershire sauce",
    ],
)
def test_a_vegan_label_is_lost_to_any_animal_line(line):
    assert Diet.VEGAN in recipe(["1 onion", "2 tomatoes"]).diets
    assert Diet.VEGAN not in recipe(["1 onion", "2 tomatoes", line]).diets


@pytest.mark.parametrize(
    ("line", "allergen"),
    [
        ("1 cup whey", Allergen.MILK),
        ("50 g casein", Allergen.MILK),
        ("2 tbsp mayonnaise", Allergen.EGGS),
        ("1 meringue", Allergen.EGGS),
        ("2 anchovy fillets", Allergen.FISH),
        ("1 cup semolina", Allergen.GLUTEN),
        ("200 g seitan", Allergen.GLUTEN),
        ("1 cup bulgur", Allergen.GLUTEN),
        ("2 tbsp peanut oil", Allergen.PEANUTS),
        ("1 cup groundnuts", Allergen.PEANUTS),
        ("1 tbsp miso", Allergen.SOY),
        ("200 g tempeh", Allergen.SOY),
        ("1 cup edamame", Allergen.SOY),
        ("2 tbsp tahini", Allergen.SESAME),
        ("1 tbsp gochujang", Allergen.SOY),
        ("1 tbsp soya oil", Allergen.SOY),
        ("1 cup lemon curd", Allergen.EGGS),
        ("1 tbsp amaretto", Allergen.TREE_NUTS),
    ],
)
def test_hidden_forms_are_found(line, allergen):
    found = recipe([line, "1 onion"])
    assert allergen in found.allergens
    assert recipe_violations(found, {allergen}, ())


def test_an_unknown_line_makes_the_recipe_unverified_and_diet_free():
    r = recipe(["1 onion", "2 tbsp zorbleberry paste", "Salt"])
    assert not r.verified
    assert r.unverified_lines == ("2 tbsp zorbleberry paste",)
    assert r.diets == frozenset()
    assert recipe_violations(r, {Allergen.SESAME}, ()) == [
        "has ingredients that could not be checked"
    ]
    assert recipe_violations(r, (), {Diet.VEGAN})
    assert recipe_violations(r, (), ()) == []  # offered to someone with no restriction


@pytest.mark.parametrize(
    "line",
    [
        "Toppings of your choice",
        "1 cup nuts, or other nuts",
        "2 cups vegetables (e.g. peas, carrots, etc.)",
    ],
)
def test_open_ended_lines_are_unverified(line):
    assert not recipe(["1 onion", line]).verified


def test_headings_are_not_ingredients():
    r = recipe(["For the sauce:", "1 onion", "2 tomatoes"])
    assert r.verified and r.unverified_lines == ()


def test_a_modifier_frees_only_the_food_right_after_it():
    assert Trait.MILK not in text_traits("1 cup dairy-free milk")
    assert Trait.MILK in text_traits("for a vegan version use butter instead")


def test_kitchen_words_in_steps_are_not_foods():
    assert text_traits("Roll out the dough and bake in a cake tin.") == frozenset()
    assert text_traits("Fish out the bay leaf; heat the stock pot.") == frozenset()
    assert Trait.MEAT in text_traits("Roll the chicken in the spices.")


def test_wiki_markup_is_kept_out_of_lines_and_steps():
    assert strip_markup("1 cup [[Cookbook:Ricotta|ricotta]] <ref>a note</ref>") == "1 cup ricotta"
    assert strip_markup("{{convert|200|g}} ''al dente'' [[Cookbook:Pasta]]") == "al dente Pasta"
    r = recipe(
        ["2 cups [[Cookbook:Flour|flour]]", "1&frac12; cups [[Cookbook:Milk]]"],
        ['Mix.<ref name="x" />'],
    )
    assert [i.text for i in r.ingredients] == ["2 cups flour", "1½ cups Milk"]
    assert [i.name for i in r.ingredients] == ["flour", "milk"]
    assert r.steps == ("Mix.",)


def test_safety_survives_storage_and_an_old_document_reads_back_unverified():
    r = recipe(["1 onion", "2 tbsp zorbleberry paste"])
    assert recipe_from_document(recipe_to_document(r)) == r
    ok = recipe(["1 onion"])
    old = recipe_to_document(ok) | {"v": 1}
    del old["verified"]
    assert ok.verified and not recipe_from_document(old).verified


def test_the_index_offers_unverified_recipes_only_without_restrictions():
    safe = recipe(["1 onion", "2 tomatoes"], key="Cookbook:Safe")
    unknown = recipe(["1 onion", "2 tomatoes", "1 cup zorbleberries"], key="Cookbook:Unknown")
    index = FridgeIndex.build([safe, unknown])
    fridge = frozenset({"onion", "tomato"})
    assert {m.recipe_id for m in index.match(fridge)} == {safe.id, unknown.id}
    for kwargs in ({"allergens": [Allergen.LUPIN]}, {"diets": [Diet.HALAL]}):
        assert {m.recipe_id for m in index.match(fridge, **kwargs)} == {safe.id}


def test_every_alternative_a_line_offers_must_be_known():
    assert recipe(["1 onion", "2 tbsp butter or ghee"]).verified
    assert recipe(["1 onion", "1 cup white or brown sugar"]).verified
    assert recipe(["1 onion", "½ tsp turmeric"]).verified  # a fraction is no alternative
    unknown = recipe(["1 onion", "1 cup milk or zorbleberry juice"])
    assert unknown.unverified_lines == ("1 cup milk or zorbleberry juice",)
