"""The one English singular Psi uses for food words: the USDA matcher, the recipe parser
and the detection keys all make "berries", "Berries" and "berry" meet the same way.

Rules: words of three letters or fewer, words ending in -ss, -us or -is ("basis",
"coulis"), and the invariant words below stay; -ies -> -y ("berries"); -oes -> -o;
-ches/-shes/-sses/-xes/-zes drop -es; otherwise a final -s goes ("gloves" -> "glove").
Irregular plurals, f-plurals ("halves"), -che and -oe words ("quiches", "shoes") and the
plurals of foods ending in -i ("paninis") are listed.
"""

from __future__ import annotations

from functools import lru_cache

IRREGULAR = {
    "anchovies": "anchovy",
    "bahjis": "bahji",
    "bhajis": "bhaji",
    "biscottis": "biscotti",
    "brioches": "brioche",
    "brownies": "brownie",
    "canoes": "canoe",
    "calves": "calf",
    "calories": "calorie",
    "chapatis": "chapati",
    "chapattis": "chapatti",
    "chilies": "chili",
    "chilis": "chili",
    "chillies": "chilli",
    "chillis": "chilli",
    "children": "child",
    "cookies": "cookie",
    "dice": "dice",
    "feet": "foot",
    "fries": "fry",
    "ganaches": "ganache",
    "geese": "goose",
    "goodies": "goodie",
    "halves": "half",
    "kiwis": "kiwi",
    "knives": "knife",
    "kugelis": "kugeli",
    "leaves": "leaf",
    "litchis": "litchi",
    "loaves": "loaf",
    "lychees": "lychee",
    "martinis": "martini",
    "mice": "mouse",
    "minis": "mini",
    "paninis": "panini",
    "pies": "pie",
    "pierogies": "pierogi",
    "puris": "puri",
    "quiches": "quiche",
    "raviolis": "ravioli",
    "rotis": "roti",
    "salamis": "salami",
    "scarves": "scarf",
    "shelves": "shelf",
    "shoes": "shoe",
    "smoothies": "smoothie",
    "tahinis": "tahini",
    "teeth": "tooth",
    "thais": "thai",
    "ties": "tie",
    "veggies": "veggie",
    "wolves": "wolf",
    "zucchinis": "zucchini",
}
# Words whose final "s" is not a plural.
INVARIANT = frozenset(
    {
        "anglais",
        "asparagus",
        "bitters",
        "brussels",
        "chassis",
        "couscous",
        "francais",
        "gras",
        "grits",
        "has",
        "hummous",
        "jus",
        "molasses",
        "schnapps",
        "series",
        "species",
        "this",
        "was",
        "yes",
    }
)


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """The singular of one lower-case food word (``berries`` -> ``berry``)."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or word in INVARIANT or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("oes"):
        return word[:-2]
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]
