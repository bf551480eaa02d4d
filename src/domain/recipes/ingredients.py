"""Ingredient lines to normalised names, quantities and units.

"2 cups chopped red onions" -> quantity 2, unit cup, name "onion". The name is
the canonical lexicon name when the line's head phrase is a known food
(synonyms fold together: scallion, green onion and spring onion are one
food), else the head phrase itself with quantities and preparation words removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from domain.recipes.lexicon import Lexicon, default_lexicon
from domain.recipes.text import fold, tokens
from domain.recipes.vocabulary import Trait

UNITS: dict[str, str] = {
    "cup": "cup",
    "c": "cup",
    "tablespoon": "tbsp",
    "tbsp": "tbsp",
    "tbs": "tbsp",
    "tbl": "tbsp",
    "tb": "tbsp",
    "teaspoon": "tsp",
    "tsp": "tsp",
    "t": "tsp",
    "gram": "g",
    "gramme": "g",
    "g": "g",
    "gm": "g",
    "gr": "g",
    "kilogram": "kg",
    "kilo": "kg",
    "kg": "kg",
    "milligram": "mg",
    "mg": "mg",
    "milliliter": "ml",
    "millilitre": "ml",
    "ml": "ml",
    "liter": "l",
    "litre": "l",
    "l": "l",
    "deciliter": "dl",
    "decilitre": "dl",
    "dl": "dl",
    "centiliter": "cl",
    "cl": "cl",
    "ounce": "oz",
    "oz": "oz",
    "pound": "lb",
    "lb": "lb",
    "pint": "pint",
    "pt": "pint",
    "quart": "quart",
    "qt": "quart",
    "gallon": "gallon",
    "gal": "gallon",
    "pinch": "pinch",
    "dash": "dash",
    "drop": "drop",
    "can": "can",
    "tin": "can",
    "jar": "jar",
    "package": "package",
    "pkg": "package",
    "packet": "package",
    "pack": "package",
    "bottle": "bottle",
    "box": "box",
    "bag": "bag",
    "carton": "carton",
    "bunch": "bunch",
    "sprig": "sprig",
    "stalk": "stalk",
    "rib": "stalk",
    "stick": "stick",
    "slice": "slice",
    "piece": "piece",
    "handful": "handful",
    "head": "head",
    "knob": "knob",
    "sheet": "sheet",
    "fillet": "fillet",
    "filet": "fillet",
    "scoop": "scoop",
    "glass": "glass",
    "shot": "shot",
    "splash": "splash",
    "sachet": "package",
    "envelope": "package",
    "leaf": "leaf",
    "clove": "clove",
    "cube": "cube",
    "ea": "piece",
    "each": "piece",
    "block": "block",
    "loaf": "loaf",
    "wedge": "wedge",
}
_MULTIWORD_UNITS: dict[tuple[str, ...], str] = {
    ("fl", "oz"): "fl_oz",
    ("fluid", "ounce"): "fl_oz",
    ("u", "fl", "oz"): "fl_oz",
    ("us", "fl", "oz"): "fl_oz",
    ("us", "cup"): "cup",
    ("imperial", "pint"): "pint",
}
# Units that are also foods or words worth keeping when nothing follows them.
_AMBIGUOUS_UNITS = frozenset({"clove", "leaf", "head", "stick", "cube", "t", "c", "l", "g"})

DESCRIPTORS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "about",
        "approximately",
        "approx",
        "around",
        "roughly",
        "some",
        "few",
        "several",
        "more",
        "extra",
        "plus",
        "fresh",
        "freshly",
        "frozen",
        "thawed",
        "canned",
        "tinned",
        "jarred",
        "bottled",
        "dried",
        "dry",
        "packed",
        "loosely",
        "firmly",
        "lightly",
        "chopped",
        "finely",
        "coarsely",
        "diced",
        "minced",
        "sliced",
        "thinly",
        "thickly",
        "grated",
        "shredded",
        "crushed",
        "ground",
        "peeled",
        "unpeeled",
        "cored",
        "seeded",
        "deseeded",
        "pitted",
        "stoned",
        "halved",
        "quartered",
        "cubed",
        "cut",
        "into",
        "julienned",
        "trimmed",
        "cleaned",
        "washed",
        "rinsed",
        "drained",
        "scrubbed",
        "beaten",
        "whisked",
        "melted",
        "softened",
        "room",
        "temperature",
        "cold",
        "warm",
        "hot",
        "chilled",
        "large",
        "small",
        "medium",
        "big",
        "jumbo",
        "tiny",
        "whole",
        "boneless",
        "skinless",
        "skin",
        "on",
        "bone",
        "in",
        "raw",
        "cooked",
        "uncooked",
        "leftover",
        "toasted",
        "roasted",
        "boiled",
        "steamed",
        "fried",
        "sifted",
        "heaping",
        "heaped",
        "level",
        "rounded",
        "scant",
        "generous",
        "good",
        "quality",
        "organic",
        "ripe",
        "unripe",
        "firm",
        "soft",
        "mashed",
        "puree",
        "pureed",
        "juiced",
        "zested",
        "squeezed",
        "freshly-squeezed",
        "crumbled",
        "torn",
        "shelled",
        "blanched",
        "optional",
        "taste",
        "to",
        "for",
        "as",
        "needed",
        "desired",
        "garnish",
        "serving",
        "decoration",
        "dusting",
        "frying",
        "greasing",
        "and",
        "or",
        "inch",
        "cm",
        "mm",
        "thick",
        "thin",
        "long",
        "wide",
        "strip",
        "chunk",
        "bite",
        "size",
        "sized",
        "prepared",
        "homemade",
        "store",
        "bought",
        "storebought",
        "best",
        "your",
        "choice",
        "favorite",
        "favourite",
        "like",
        "lean",
        "fatty",
        "fat",
        "free",
        "low",
        "reduced",
        "sodium",
        "unsalted",
        "salted",
        "sweetened",
        "unsweetened",
        "plain",
        "regular",
    }
)

_NUMBER = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?)"
_QUANTITY_RE = re.compile(
    rf"^\s*(?P<q>{_NUMBER})(?:\s*(?:-|to|or)\s*(?P<q2>{_NUMBER}))?\s*(?P<rest>.*)$"
)
_WORD_QUANTITIES = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "half": 0.5,
    "dozen": 12,
}
_PARENS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ALTERNATIVE_RE = re.compile(r"\s(?:or|for)\s")
_GLUED_UNIT_RE = re.compile(r"(\d)([a-z]{1,5})\b")
_MAX_NAME_WORDS = 3


@dataclass(frozen=True, slots=True)
class Ingredient:
    """One parsed ingredient line."""

    text: str
    name: str
    quantity: float | None
    quantity_max: float | None
    unit: str | None
    optional: bool
    traits: frozenset[Trait]


def _number(text: str) -> float:
    text = text.replace(",", ".")
    total = Fraction(0)
    for part in text.split():
        total += Fraction(part)
    return float(total)


def parse_ingredient(line: str, lexicon: Lexicon | None = None) -> Ingredient:
    """Parse one ingredient line. Traits come from the whole line, notes included."""
    lexicon = lexicon or default_lexicon()
    folded = fold(line)
    traits = lexicon.traits_of(folded)
    optional = "optional" in folded
    main = _PARENS_RE.sub(" ", folded)
    main = main.split(",")[0].split(";")[0]
    alternatives = _ALTERNATIVE_RE.split(_GLUED_UNIT_RE.sub(r"\1 \2", main))
    quantity, quantity_max, rest = _quantity(alternatives[0])
    unit, rest_words = _unit(tokens(rest))
    name = normalise_name_words(rest_words, lexicon)
    if not lexicon.is_canonical(name):
        # "1 cup white or brown sugar", "vegetable or olive oil": the food is named later.
        for alternative in alternatives[1:]:
            other = normalise_name_words(_unit(tokens(_quantity(alternative)[2]))[1], lexicon)
            if lexicon.is_canonical(other):
                name = other
                break
    if not name:
        name = normalise_name_words(tokens(folded), lexicon)
    return Ingredient(line.strip(), name, quantity, quantity_max, unit, optional, traits)


def _quantity(text: str) -> tuple[float | None, float | None, str]:
    match = _QUANTITY_RE.match(text)
    if match:
        low = _number(match.group("q"))
        high = _number(match.group("q2")) if match.group("q2") else None
        return low, high, match.group("rest")
    first, _, rest = text.strip().partition(" ")
    if first in _WORD_QUANTITIES and rest:
        return float(_WORD_QUANTITIES[first]), None, rest
    return None, None, text


def _unit(words: list[str]) -> tuple[str | None, list[str]]:
    for phrase, unit in _MULTIWORD_UNITS.items():
        if tuple(words[: len(phrase)]) == phrase:
            return unit, _drop_of(words[len(phrase) :])
    # Skip size words before the unit ("1 large can"), keep them otherwise.
    start = 0
    while start < len(words) - 1 and words[start] in {
        "large",
        "small",
        "medium",
        "heaping",
        "level",
        "scant",
        "generous",
        "big",
    }:
        start += 1
    if start < len(words) and words[start] in UNITS:
        word = words[start]
        rest = words[start + 1 :]
        if word in _AMBIGUOUS_UNITS and not _names_food(rest):
            return None, words
        return UNITS[word], _drop_of(rest)
    return None, words


def _names_food(words: list[str]) -> bool:
    return any(w not in DESCRIPTORS for w in words)


def _drop_of(words: list[str]) -> list[str]:
    return words[1:] if words[:1] == ["of"] else words


def normalise_name_words(words: list[str], lexicon: Lexicon | None = None) -> str:
    """The canonical name of a food phrase given as singular tokens."""
    lexicon = lexicon or default_lexicon()
    words = [w for w in words if not w.isdigit()]
    # A known food phrase anywhere in the head, longest and rightmost first.
    content = [w for w in words if w not in DESCRIPTORS]
    for candidate in (words, content):
        entry = _longest_suffix_entry(candidate, lexicon)
        if entry is not None:
            return entry
    best: tuple[int, int, str] | None = None
    i = 0
    while i < len(words):
        length, found = lexicon.longest_at(words, i)
        if found is not None:
            key = (length, i, found.canonical)
            best = key if best is None or key[:2] > best[:2] else best
            i += length
        else:
            i += 1
    if best is not None:
        return best[2]
    return " ".join(content[-_MAX_NAME_WORDS:])


def _longest_suffix_entry(words: list[str], lexicon: Lexicon) -> str | None:
    for start in range(len(words)):
        entry = lexicon.lookup(tuple(words[start:]))
        if entry is not None:
            return entry.canonical
    return None


def normalise_food_name(text: str, lexicon: Lexicon | None = None) -> str:
    """A free-text food name (a fridge item, a disliked food) as the catalogue names it."""
    if lexicon is None:
        return _normalise_with_default(text)
    return parse_ingredient(text, lexicon).name


@lru_cache(maxsize=16384)
def _normalise_with_default(text: str) -> str:
    # Pure, and asked for the same few hundred fridge items again and again.
    return parse_ingredient(text).name


def food_phrase(ingredient: Ingredient, lexicon: Lexicon | None = None) -> str:
    """The words that named the food in the line, for a nutrient look-up: the longest alias
    of the canonical food ("coconut milk", not its canonical "coconut"; "basmati rice")."""
    lexicon = lexicon or default_lexicon()
    if not lexicon.is_canonical(ingredient.name):
        return ingredient.name
    folded = _PARENS_RE.sub(" ", fold(ingredient.text)).split(",")[0]
    words = tokens(folded)
    best: tuple[str, ...] = ()
    for start in range(len(words)):
        for end in range(min(len(words), start + lexicon.longest), start, -1):
            phrase = tuple(words[start:end])
            entry = lexicon.lookup(phrase)
            if entry is not None and entry.canonical == ingredient.name:
                if len(phrase) > len(best):
                    best = phrase
                break
    return " ".join(best) if best else ingredient.name
