"""Allergen and diet safety of a whole recipe, failing closed.

Every ingredient line and the title and steps are scanned with the food lexicon (so
"ricotta" in a step counts even when no ingredient line names it). A line whose food is
not in the lexicon, or that leaves the food open ("or other nuts", "toppings of your
choice"), is *unverified*: the recipe's allergens are then only a lower bound, so it
claims no diet and is never offered to someone with allergens or restrictions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.recipes.classification import allergens_of, diets_of
from domain.recipes.ingredients import DESCRIPTORS, UNITS, Ingredient
from domain.recipes.lexicon import Lexicon, default_lexicon
from domain.recipes.text import fold, tokens
from domain.recipes.vocabulary import Allergen, Diet, Trait

# Words that leave the food to the cook: the line cannot be vouched for.
_OPEN_ENDED_RE = re.compile(
    r"\b(?:etc|or other|or similar|or any|any other|any kind|of (?:your )?choice|whatever|"
    r"assorted|various|your favou?rite)\b"
)
_PARENS_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_ALTERNATIVES_RE = re.compile(r"\s(?:or|and/or)\s|(?<=[a-z])\s*/\s*(?=[a-z])")
_FILLER_WORDS = frozenset(
    {
        "one",
        "two",
        "three",
        "four",
        "half",
        "same",
        "amount",
        "equivalent",
        "use",
        "substitute",
        "instead",
        "if",
        "available",
        "you",
        "prefer",
        "can",
        "also",
        "even",
        "such",
        "similar",
        "mix",
        "combination",
        "both",
        "either",
        "style",
        "type",
        "kind",
        "brand",
        "homemade",
        "white",
        "brown",
        "red",
        "green",
        "yellow",
        "black",
        "dark",
        "light",
        "other",
        "any",
        "x",
        "oz",
        "ounce",
    }
)
# "For the sauce:" and similar headings inside an ingredient list name no food of their own.
_HEADING_RE = re.compile(r"^(?:for (?:the )?[a-z ]+|[a-z ]+):$")

# Kitchen words in steps that share a spelling with a food: "a stock pot", "a cake tin",
# "roll out the dough". Removed from steps before scanning (lines still count them).
_STEP_NEUTRAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "stock pot",
        "cake pan",
        "cake tin",
        "cake rack",
        "muffin tin",
        "muffin pan",
        "muffin cup",
        "loaf pan",
        "loaf tin",
        "bread pan",
        "bread tin",
        "bread knife",
        "pie dish",
        "pie plate",
        "pie pan",
        "pie tin",
        "cookie sheet",
        "cookie cutter",
        "biscuit cutter",
        "biscuit tin",
        "pastry bag",
        "pastry brush",
        "pastry blender",
        "pastry cutter",
        "pastry board",
        "fish slice",
        "fish out",
        "egg timer",
        "butter knife",
        "cheese grater",
        "bun tin",
        "roll out",
        "roll up",
        "roll into",
        "roll it",
        "roll them",
        "roll the",
    )
)
# Words that, alone in a step, are mixtures of the listed ingredients or kitchen verbs.
_STEP_NEUTRAL_WORDS = frozenset({"dough", "batter", "wrap", "roll"})


@dataclass(frozen=True, slots=True)
class Safety:
    traits: frozenset[Trait]
    allergens: frozenset[Allergen]
    diets: frozenset[Diet]  # empty unless every line is verified
    unverified_lines: tuple[str, ...]
    verified: bool


def line_is_recognised(ingredient: Ingredient, lexicon: Lexicon | None = None) -> bool:
    """The line names a food the lexicon knows, does not leave it open, and every
    alternative it offers names a known food too ("butter or smen" needs smen known)."""
    lexicon = lexicon or default_lexicon()
    folded = fold(ingredient.text)
    if _OPEN_ENDED_RE.search(folded):
        return False
    if not lexicon.is_canonical(ingredient.name):
        return False
    head = _PARENS_RE.sub(" ", folded).split(",")[0].split(";")[0]
    alternatives = _ALTERNATIVES_RE.split(head)[1:]
    return all(_names_a_known_food(alternative, lexicon) for alternative in alternatives)


def _names_a_known_food(text: str, lexicon: Lexicon) -> bool:
    """The alternative names a food the lexicon knows, or no food at all ("or to taste")."""
    words = tokens(text)
    if any(lexicon.longest_at(words, i)[1] is not None for i in range(len(words))):
        return True
    return all(w in DESCRIPTORS or w in UNITS or w in _FILLER_WORDS for w in words)


def is_heading(line: str) -> bool:
    return bool(_HEADING_RE.match(fold(line).strip()))


def text_traits(text: str, lexicon: Lexicon | None = None) -> frozenset[Trait]:
    """Traits named anywhere in free text (a title or a step), kitchen words left out."""
    lexicon = lexicon or default_lexicon()
    words = tokens(fold(text))
    kept: list[str] = []
    i = 0
    while i < len(words):
        phrase = next((p for p in _STEP_NEUTRAL_PHRASES if tuple(words[i : i + len(p)]) == p), None)
        if phrase is not None:
            # Only the kitchen word goes; "roll the chicken" keeps "chicken".
            kept.append("_")
            kept.extend(words[i + 1 : i + len(phrase)] if phrase[0] == "roll" else ["_"])
            i += len(phrase)
            continue
        word = words[i]
        if word in _STEP_NEUTRAL_WORDS and lexicon.longest_at(words, i)[0] <= 1:
            kept.append("_")
        else:
            kept.append(word)
        i += 1
    traits: set[Trait] = set()
    for entry in lexicon.scan(kept):
        traits |= entry.traits
    return frozenset(traits)


def assess(
    title: str,
    ingredients: Sequence[Ingredient],
    steps: Iterable[str],
    lexicon: Lexicon | None = None,
) -> Safety:
    lexicon = lexicon or default_lexicon()
    traits: set[Trait] = set(text_traits(title, lexicon))
    unverified: list[str] = []
    for ingredient in ingredients:
        traits |= ingredient.traits
        if not is_heading(ingredient.text) and not line_is_recognised(ingredient, lexicon):
            unverified.append(ingredient.text)
    for step in steps:
        traits |= text_traits(step, lexicon)
    present = frozenset(traits)
    verified = bool(ingredients) and not unverified
    return Safety(
        traits=present,
        allergens=allergens_of(present),
        diets=diets_of(present) if verified else frozenset(),
        unverified_lines=tuple(unverified),
        verified=verified,
    )
