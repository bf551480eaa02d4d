"""Food-name normalisation shared by the catalogue's search index and the matcher.

Both sides pass through the same steps, so "Apples", "apple" and "APPLE" meet:
accents folded, lower case, parenthesised remarks dropped, punctuation to spaces,
simple English plurals made singular, filler words removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOPWORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
    "with", "w", "ns", "nfs", "type", "form", "made",
})

_IRREGULAR = {
    "leaves": "leaf", "loaves": "loaf", "halves": "half", "knives": "knife", "geese": "goose",
    "teeth": "tooth", "mice": "mouse", "children": "child", "fries": "fry",
}
_KEEP = frozenset({
    "molasses", "hummus", "asparagus", "couscous", "citrus", "swiss", "bass", "grass",
    "series", "species", "gras", "anis", "bratwurst", "cress", "watercress", "lemongrass",
    "brussels", "bus", "plus", "octopus", "cactus", "nus", "fungus", "hibiscus", "haggis",
})
# Everyday spellings mapped to USDA's (COCO's "donut" is USDA's "doughnut").
SYNONYMS = {
    "donut": "doughnut", "yoghurt": "yogurt", "ketchup": "catsup", "aubergine": "eggplant",
    "courgette": "zucchini", "coriander": "cilantro", "prawn": "shrimp", "mince": "ground",
    "garbanzo": "chickpea", "porridge": "oatmeal", "scallion": "onion",
    "capsicum": "pepper", "bap": "bun", "crisp": "chip", "omelette": "omelet",
}
# USDA names often lead with a food group ("Fish, salmon, raw"; "Beverages, coffee"):
# the food itself is then the next part.
GROUP_HEADS = frozenset({
    "fish", "beverage", "beef", "pork", "lamb", "veal", "game", "crustacean", "mollusk",
    "spice", "nut", "seed", "candy", "snack",
})
_PAREN = re.compile(r"\([^)]*\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def singular(word: str) -> str:
    """A best-effort singular of an English food word (``berries`` -> ``berry``)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _KEEP or len(word) < 4 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("oes"):
        return word[:-2]
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1]


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
