"""Food-name normalisation shared by the catalogue's search index and the matcher.

Both sides pass through the same steps, so "Apples", "apple" and "APPLE" meet:
accents folded, lower case, parenthesised remarks dropped, punctuation to spaces,
simple English plurals made singular, filler words removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from domain.singular import singular

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "w",
        "ns",
        "nfs",
        "type",
        "form",
        "made",
    }
)

# Everyday spellings mapped to USDA's (COCO's "donut" is USDA's "doughnut").
SYNONYMS = {
    "donut": "doughnut",
    "yoghurt": "yogurt",
    "ketchup": "catsup",
    "aubergine": "eggplant",
    "courgette": "zucchini",
    "coriander": "cilantro",
    "prawn": "shrimp",
    "mince": "ground",
    "garbanzo": "chickpea",
    "porridge": "oat",
    "oatmeal": "oat",
    "scallion": "onion",
    "capsicum": "pepper",
    "skim": "nonfat",
    "bap": "bun",
    "crisp": "chip",
    "omelette": "omelet",
}
# USDA names often lead with a food group ("Fish, salmon, raw"; "Beverages, coffee"):
# the food itself is then the next part.
GROUP_HEADS = frozenset(
    {
        "fish",
        "beverage",
        "beef",
        "pork",
        "lamb",
        "veal",
        "game",
        "crustacean",
        "mollusk",
        "spice",
        "nut",
        "seed",
        "candy",
        "snack",
        "cereal",
    }
)
_PAREN = re.compile(r"\([^)]*\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, ``&`` spelt out."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.lower().replace("&", " and ")


def tokens(text: str) -> list[str]:
    """The words that identify a food, in order, without repeats."""
    return list(_tokens(text))


@lru_cache(maxsize=131_072)
def _tokens(text: str) -> tuple[str, ...]:
    cleaned = _PAREN.sub(" ", fold(text))
    out: list[str] = []
    for raw in _NON_ALNUM.split(cleaned):
        if not raw or raw in STOPWORDS:
            continue
        word = singular(raw)
        word = SYNONYMS.get(word, word)
        if len(word) < 2 and not word.isdigit():
            continue
        if word not in out:
            out.append(word)
    return tuple(out)


def head_tokens(name: str) -> list[str]:
    """The words of a USDA description's first comma-separated part (``Apples, raw`` ->
    ``apple``): the food itself, before its qualifiers."""
    return list(_head_tokens(name))


@lru_cache(maxsize=131_072)
def _head_tokens(name: str) -> tuple[str, ...]:
    parts = _PAREN.sub(" ", name).split(",")
    head = tokens(parts[0])
    if len(parts) > 1 and head and set(head) <= GROUP_HEADS:
        return _tokens(parts[1])
    return tuple(head)


def group_tokens(name: str) -> list[str]:
    """The food-group words leading a USDA description (``Fish, salmon`` -> ``fish``)."""
    return list(_group_tokens(name))


@lru_cache(maxsize=131_072)
def _group_tokens(name: str) -> tuple[str, ...]:
    head = _tokens(_PAREN.sub(" ", name).split(",", 1)[0])
    return head if head and set(head) <= GROUP_HEADS else ()


def normalize(text: str) -> str:
    """One canonical spelling of a food name (``"Red Apples!"`` -> ``"red apple"``)."""
    return " ".join(tokens(text))


def search_text(name: str) -> str:
    """The text a catalogue indexes for a food: its normalised tokens."""
    return normalize(name)


# What a diary line says about how much, before the food: "2", "1/2", "a", "two",
# "a bowl of", "3 slices of", "a glass of". Stripped before matching; the amount is the
# caller's business (grams, or a portion name and quantity).
NUMBER_WORDS = frozenset(
    {
        "a",
        "an",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "half",
        "quarter",
        "couple",
        "few",
        "some",
        "several",
        "dozen",
        "handful",
        "pair",
    }
)
MEASURE_WORDS = frozenset(
    {
        "bowl",
        "bowls",
        "glass",
        "glasses",
        "cup",
        "cups",
        "mug",
        "mugs",
        "plate",
        "plates",
        "slice",
        "slices",
        "piece",
        "pieces",
        "serving",
        "servings",
        "portion",
        "portions",
        "handful",
        "handfuls",
        "tbsp",
        "tablespoon",
        "tablespoons",
        "tsp",
        "teaspoon",
        "teaspoons",
        "oz",
        "ounce",
        "ounces",
        "g",
        "gram",
        "grams",
        "kg",
        "ml",
        "l",
        "can",
        "cans",
        "bottle",
        "bottles",
        "scoop",
        "scoops",
        "spoon",
        "spoonful",
        "spoons",
        "spoonfuls",
        "pinch",
        "dash",
        "stick",
        "sticks",
        "lb",
        "lbs",
        "pound",
        "pounds",
        "small",
        "medium",
        "large",
        "big",
        "x",
        "pcs",
        "pc",
        "fillet",
        "fillets",
        "sandwich",
        "bar",
        "bars",
        "box",
        "pack",
        "packet",
        "packets",
        "tin",
        "jar",
        "carton",
        "shot",
        "shots",
        "pint",
        "pints",
        "liter",
        "litre",
        "dl",
        "cl",
        "floz",
        "fl",
    }
)
_QUANTITY = re.compile(r"^\d+(?:[.,/]\d+)?(?:g|kg|ml|oz|lb|x)?$|^[½¼¾⅓⅔]$")


def food_query(text: str) -> str:
    """The food a diary line names, without its leading quantity and measure:
    ``"2 eggs"`` -> ``"eggs"``, ``"a bowl of oatmeal"`` -> ``"oatmeal"``,
    ``"3 slices of bread"`` -> ``"bread"``. A line that is nothing but a measure
    (``"cup"``) is left as it is."""
    words = fold(text).split()
    i = 0
    while i < len(words) and (_QUANTITY.match(words[i]) or words[i] in NUMBER_WORDS):
        i += 1
    j = i
    while j < len(words) and words[j] in MEASURE_WORDS:
        j += 1
    if j < len(words) and words[j] == "of":
        j += 1
    elif j > i and i == 0:
        j = i  # "cup cake", "large egg"? without a number, only "X of" is a measure
    rest = words[j:] if j < len(words) else words[i:]
    if not rest or rest[0] in {"and", "or", "&"}:
        return text  # "half and half" is a food, not half of one
    return " ".join(rest)
