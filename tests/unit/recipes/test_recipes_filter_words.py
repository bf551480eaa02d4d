"""Fail-closed filters over the whole shipped catalogue, checked with plain word lists.

For every allergen and every diet, each recipe the filters offer (the fridge index's mask,
and the catalogue's diet search) is scanned as raw source text (title, every ingredient
line and every step) for the words of that allergen or diet. The word lists below are
written for this test and share nothing with the production lexicon or classifier.
"""

from __future__ import annotations

import html
import re
import uuid
from functools import cache

import pytest

from adapters.memory.recipes import matches_query
from adapters.recipes.wikibooks import read_recipes
from application.ports.recipes import RecipeQuery
from domain.recipes.recipe import recipe_id_for
from domain.recipes.vocabulary import Allergen, Diet
from tests.unit.recipes.catalogue import packaged_index, packaged_recipes

MILK = [
    "milk",
    "butter",
    "buttermilk",
    "cheese",
    "cheeses",
    "cream",
    "yogurt",
    "yoghurt",
    "ghee",
    "whey",
    "casein",
    "ricotta",
    "paneer",
    "mozzarella",
    "parmesan",
    "cheddar",
    "feta",
    "mascarpone",
    "kefir",
    "custard",
    "lactose",
    "quark",
    "labneh",
    "gouda",
    "brie",
    "camembert",
    "gruyere",
    "halloumi",
    "pecorino",
    "creme fraiche",
]
EGG = [
    "egg",
    "eggs",
    "mayonnaise",
    "mayo",
    "meringue",
    "meringues",
    "aioli",
    "custard",
    "albumen",
    "eggnog",
    "hollandaise",
    "yolk",
    "yolks",
]
FISH = [
    "fish",
    "anchovy",
    "anchovies",
    "worcestershire",
    "tuna",
    "salmon",
    "cod",
    "sardine",
    "sardines",
    "mackerel",
    "herring",
    "trout",
    "tilapia",
    "haddock",
    "halibut",
    "bonito",
    "dashi",
    "caviar",
    "catfish",
    "snapper",
    "pollock",
]
CRUSTACEANS = [
    "shrimp",
    "shrimps",
    "prawn",
    "prawns",
    "crab",
    "crabs",
    "crabmeat",
    "lobster",
    "lobsters",
    "crayfish",
    "crawfish",
    "langoustine",
    "langoustines",
    "scampi",
    "krill",
]
MOLLUSCS = [
    "clam",
    "clams",
    "mussel",
    "mussels",
    "oyster",
    "oysters",
    "scallop",
    "scallops",
    "squid",
    "octopus",
    "calamari",
    "snail",
    "snails",
    "escargot",
    "escargots",
    "cuttlefish",
    "abalone",
]
PEANUTS = ["peanut", "peanuts", "groundnut", "groundnuts", "arachis", "satay"]
TREE_NUTS = [
    "almond",
    "almonds",
    "walnut",
    "walnuts",
    "pecan",
    "pecans",
    "cashew",
    "cashews",
    "pistachio",
    "pistachios",
    "hazelnut",
    "hazelnuts",
    "macadamia",
    "macadamias",
    "brazil nut",
    "brazil nuts",
    "pine nut",
    "pine nuts",
    "chestnut",
    "chestnuts",
    "marzipan",
    "praline",
    "nutella",
    "pesto",
    "nut",
    "nuts",
]
SOY = ["soy", "soya", "tofu", "tempeh", "miso", "edamame", "soybean", "soybeans", "tamari", "shoyu"]
GLUTEN = [
    "wheat",
    "flour",
    "bread",
    "breads",
    "breadcrumbs",
    "bread crumbs",
    "pasta",
    "spaghetti",
    "macaroni",
    "noodle",
    "noodles",
    "semolina",
    "couscous",
    "bulgur",
    "bulgar",
    "seitan",
    "spelt",
    "farina",
    "barley",
    "rye",
    "malt",
    "beer",
    "panko",
    "soy sauce",
    "udon",
    "pretzel",
    "pretzels",
]
SESAME = ["sesame", "tahini", "tahina", "halva", "hummus"]
CELERY = ["celery", "celeriac"]
MUSTARD = ["mustard", "dijon"]
SULPHITES = [
    "wine",
    "wines",
    "sulphite",
    "sulphites",
    "sulfite",
    "sulfites",
    "raisin",
    "raisins",
    "sultana",
    "sultanas",
    "prune",
    "prunes",
    "sherry",
]
LUPIN = ["lupin", "lupine", "lupini"]
MEAT = [
    "chicken",
    "chickens",
    "beef",
    "pork",
    "bacon",
    "ham",
    "hams",
    "lamb",
    "mutton",
    "veal",
    "turkey",
    "duck",
    "goose",
    "sausage",
    "sausages",
    "salami",
    "pepperoni",
    "chorizo",
    "prosciutto",
    "pancetta",
    "lard",
    "gelatin",
    "gelatine",
    "meat",
    "meats",
    "hamburger",
    "steak",
    "steaks",
    "mince",
    "venison",
    "rabbit",
    "goat",
]
PORK = [
    "pork",
    "bacon",
    "ham",
    "hams",
    "lard",
    "pancetta",
    "prosciutto",
    "chorizo",
    "salami",
    "pepperoni",
    "gelatin",
    "gelatine",
    "sausage",
    "sausages",
]
ALCOHOL = [
    "wine",
    "wines",
    "beer",
    "rum",
    "vodka",
    "brandy",
    "whisky",
    "whiskey",
    "bourbon",
    "gin",
    "sherry",
    "liqueur",
    "sake",
    "mirin",
    "cognac",
    "tequila",
]
HONEY = ["honey"]
SUGARS = [
    "sugar",
    "rice",
    "pasta",
    "bread",
    "potato",
    "potatoes",
    "flour",
    "honey",
    "syrup",
    "noodles",
    "spaghetti",
    "oats",
    "oatmeal",
]

ALLERGEN_WORDS = {
    Allergen.GLUTEN: GLUTEN,
    Allergen.CRUSTACEANS: CRUSTACEANS,
    Allergen.EGGS: EGG,
    Allergen.FISH: FISH,
    Allergen.PEANUTS: PEANUTS,
    Allergen.SOY: SOY,
    Allergen.MILK: MILK,
    Allergen.TREE_NUTS: TREE_NUTS,
    Allergen.CELERY: CELERY,
    Allergen.MUSTARD: MUSTARD,
    Allergen.SESAME: SESAME,
    Allergen.SULPHITES: SULPHITES,
    Allergen.LUPIN: LUPIN,
    Allergen.MOLLUSCS: MOLLUSCS,
}
DIET_WORDS = {
    Diet.VEGETARIAN: MEAT + FISH + CRUSTACEANS + MOLLUSCS,
    Diet.VEGAN: MEAT + FISH + CRUSTACEANS + MOLLUSCS + MILK + EGG + HONEY,
    Diet.PESCATARIAN: MEAT,
    Diet.GLUTEN_FREE: GLUTEN,
    Diet.DAIRY_FREE: MILK,
    Diet.NUT_FREE: PEANUTS + TREE_NUTS,
    Diet.EGG_FREE: EGG,
    Diet.HALAL: PORK + ALCOHOL,
    Diet.KOSHER: PORK + CRUSTACEANS + MOLLUSCS,
    Diet.LOW_CARB: SUGARS,
}
# Phrases that hold one of the words above without being that food, removed before the
# scan: "coconut milk" is no milk, "water chestnuts" no nut, "fish out the bay leaf" no fish.
NOT_THE_FOOD = [
    r"(?:coconut|almond|soy|soya|rice|oat|cashew|hemp|plant|nut|vegan|dairy[- ]free|non[- ]dairy)"
    r" (?:milk|cream|yogurt|yoghurt|cheese|butter)",
    r"(?:peanut|cocoa|cacao|nut|almond|cashew|apple|shea|vegan|plant|sunflower|seed) butter",
    r"butter beans?",
    r"cream of tartar",
    r"cream of coconut",
    r"creamed coconut",
    r"water chestnuts?",
    r"tiger nuts?",
    r"nut[- ]free",
    r"egg[- ]free",
    r"soy[- ]free",
    r"gluten[- ]free \w+",
    r"fish out",
    r"fish slice",
    r"oyster mushrooms?",
    r"(?:rice|corn|almond|coconut|chickpea|gram|potato|tapioca|cassava|buckwheat|sorghum|teff"
    r"|millet|banana|plantain|yam|soy|soya|lupin|peanut|maize|masa|arrowroot) flour",
    r"(?:rice|glass|cellophane|bean thread) noodles?",
    r"rice (?:wine )?vinegar",
    r"(?:wine|sherry) vinegar",
    r"rice wine",
    r"rice milk",
    r"rice paper",
    r"sugar snap",
    r"sugar[- ]free",
    r"bean curd",
    r"stock pot",
    r"cake (?:pan|tin)",
    r"butter knife",
    r"cheese ?(?:grater|cloth)",
    # Only the first word goes: "goat cheese" is still cheese, "crab meat" still crab.
    r"goat(?:'s)?(?= (?:cheese|milk|yogurt|butter))",
    r"duck(?= eggs?)",
    r"hamburger(?= buns?)",
    r"(?<=crab )meat",
    r"(?:(?<=tuna )|(?<=salmon )|(?<=swordfish )|(?<=fish ))steaks?",
]
_NOT_THE_FOOD_RE = re.compile(r"\b(?:" + "|".join(NOT_THE_FOOD) + r")\b")
# Footnotes (citations) and web addresses are not recipe text.
_FOOTNOTE_RE = re.compile(r"<ref[^>]*/>|<ref[^>]*>.*?(?:</ref>|$)|https?://\S+", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")


def _pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(set(words))) + r")\b")


@cache
def raw_texts() -> dict[uuid.UUID, str]:
    licence, sources = read_recipes()
    texts: dict[uuid.UUID, str] = {}
    for source in sources:
        recipe_id = recipe_id_for(licence.attribution_for(source.key).source_url)
        parts = [
            _FOOTNOTE_RE.sub(" ", part)
            for part in (source.title, *source.ingredients, *source.steps)
        ]
        text = _TAG_RE.sub(" ", html.unescape(" \n ".join(parts))).lower().replace("\u2019", "'")
        texts[recipe_id] = _NOT_THE_FOOD_RE.sub(" ", text)
    return texts


def _offered_by_index(allergens=(), diets=()) -> list[uuid.UUID]:
    index = packaged_index()
    allowed = index.allowed(allergens, diets)
    return [
        uuid.UUID(bytes=index.recipe_ids[row].tobytes())
        for row in range(index.size)
        if allowed[row]
    ]


def _found(recipe_ids, words) -> list[tuple[str, str]]:
    pattern, texts = _pattern(words), raw_texts()
    titles = {r.id: r.title for r in packaged_recipes()}
    return [
        (titles[i], m.group(0)) for i in recipe_ids if (m := pattern.search(texts[i])) is not None
    ]


@pytest.mark.parametrize("allergen", list(Allergen))
def test_no_recipe_offered_to_an_allergic_person_names_the_allergen(allergen):
    offered = _offered_by_index(allergens=[allergen])
    assert offered, "the filter should leave some recipes"
    assert _found(offered, ALLERGEN_WORDS[allergen]) == []


@pytest.mark.parametrize("diet", list(Diet))
def test_no_recipe_offered_under_a_diet_names_what_the_diet_forbids(diet):
    by_index = _offered_by_index(diets=[diet])
    by_search = [r.id for r in packaged_recipes() if matches_query(r, RecipeQuery(diet=diet))]
    assert set(by_index) == set(by_search)
    assert _found(by_index, DIET_WORDS[diet]) == []


def test_kosher_recipes_never_name_meat_and_milk_together():
    meat, milk = _pattern(MEAT), _pattern(MILK)
    texts = raw_texts()
    both = [
        i
        for i in _offered_by_index(diets=[Diet.KOSHER])
        if meat.search(texts[i]) and milk.search(texts[i])
    ]
    assert both == []


def test_labels_are_dropped_when_a_line_cannot_be_checked():
    for recipe in packaged_recipes():
        if not recipe.verified:
            assert recipe.diets == frozenset() and recipe.unverified_lines
