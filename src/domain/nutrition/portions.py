"""Which of a food's USDA household measures is "one" of it: the default portion.

USDA lists measures in no useful order (a banana's first is "1 cup, mashed", 225 g). A
person who logs "a banana" means one medium banana (118 g); "rice", a cup of cooked rice;
"olive oil", a tablespoon; "almonds", an ounce; "salmon", a fillet. The choice, by named
features of each measure:

* **unit kind**: a natural unit (``medium``, ``fruit``, ``slice``, ``fillet``, ``breast``,
  ``large`` ...) first, then a label serving (``NLEA serving``), then a household volume or
  weight, ordered by what the food is: spoons first for fats, sweeteners and condiments;
  ounces first for meat, fish, cheese, nuts and snacks; cups first for everything else.
* **size**: ``medium`` over no size over ``large`` over ``small`` over the extremes.
* **plausible as one serving**: a unit under 15 g (one almond, one grape, a pat of butter)
  or over 600 g, and bulk measures (a package, a loaf, a head, a pound, a pie), never.
* **amount**: one of the measure (``1 cup``) over a fraction or several; three ounces for
  meat and fish (USDA's usual serving), one ounce otherwise.
* then USDA's own order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.nutrition.food import Portion
from domain.nutrition.text import head_tokens, tokens

NATURAL_UNITS = frozenset(
    {
        "medium",
        "large",
        "small",
        "fruit",
        "slice",
        "piece",
        "fillet",
        "breast",
        "thigh",
        "drumstick",
        "wing",
        "leg",
        "patty",
        "link",
        "sausage",
        "frank",
        "bar",
        "bagel",
        "muffin",
        "roll",
        "bun",
        "tortilla",
        "pancake",
        "waffle",
        "cookie",
        "doughnut",
        "item",
        "each",
        "whole",
        "clove",
        "chop",
        "steak",
        "sandwich",
        "burger",
        "taco",
        "burrito",
        "egg",
        "banana",
        "apple",
        "orange",
        "pear",
        "peach",
        "plum",
        "kiwifruit",
        "avocado",
        "potato",
        "tomato",
        "cherry",
        "carrot",
        "onion",
        "pepper",
        "ear",
        "cob",
        "biscuit",
        "croissant",
        "pita",
        "english",
        "cracker",
        "brownie",
        "cupcake",
        "nugget",
        "shrimp",
        "scallop",
        "oyster",
        "tangerine",
        "nectarine",
        "fig",
        "date",
        "pickle",
        "olive",
        "pretzel",
        "pie",
        "danish",
        "serving",
        "container",
        "carton",
        "cup",
        "oz",
        "tbsp",
        "tsp",
        "unit",
    }
    - {"serving", "container", "carton", "cup", "oz", "tbsp", "tsp", "unit", "pie"}
)
SERVINGS = frozenset({"serving", "nlea"})
VOLUME = frozenset({"cup", "ml", "floz"})
OUNCE = frozenset({"oz", "ounce"})
SPOON = frozenset({"tbsp", "tablespoon", "tsp", "teaspoon"})
# Bulk measures: what a shop sells or a recipe yields, never one person's portion.
BULK = frozenset(
    {
        "lb",
        "pound",
        "package",
        "pkg",
        "can",
        "bottle",
        "jar",
        "loaf",
        "head",
        "bunch",
        "recipe",
        "yield",
        "quart",
        "gallon",
        "pint",
        "stick",
        "box",
        "bag",
        "cake",
        "batch",
        "kg",
        "liter",
        "litre",
        "pie",
        "crust",
        "ring",
        "bulb",
    }
)
# Part of one: not a serving on its own.
PARTS = frozenset(
    {
        "leaf",
        "wedge",
        "strip",
        "spear",
        "floret",
        "sprig",
        "ball",
        "cube",
        "segment",
        "section",
        "ring",
    }
)
BEVERAGES = frozenset(
    {"beverage", "beer", "soda", "cola", "drink", "water", "juice", "wine", "ale", "lager"}
)
DRINK_CONTAINERS = frozenset({"can", "bottle"})
SIZES = {"medium": 0, "": 1, "large": 2, "small": 3, "extra": 4, "jumbo": 5}
# USDA's reference egg is a large one (50 g).
EGG_SIZES = {**SIZES, "large": 0, "medium": 2}

SPOON_FOODS = frozenset(
    {
        "oil",
        "butter",
        "margarine",
        "shortening",
        "lard",
        "sugar",
        "honey",
        "syrup",
        "jam",
        "jelly",
        "preserve",
        "marmalade",
        "catsup",
        "mayonnaise",
        "dressing",
        "mustard",
        "salt",
        "spice",
        "vinegar",
        "sauce",
        "cream",
        "gravy",
        "molasses",
        "tahini",
        "hummus",
        "pesto",
        "relish",
        "salsa",
        "dip",
        "frosting",
        "topping",
        "nutella",
        "ghee",
        "seasoning",
    }
)
SPOON_CATEGORIES = frozenset({"Fats and Oils", "Spices and Herbs"})
OUNCE_CATEGORIES = frozenset(
    {
        "Poultry Products",
        "Beef Products",
        "Pork Products",
        "Lamb, Veal, and Game Products",
        "Finfish and Shellfish Products",
        "Sausages and Luncheon Meats",
        "Nut and Seed Products",
        "Snacks",
    }
)
MEAT_CATEGORIES = OUNCE_CATEGORIES - {"Nut and Seed Products", "Snacks"}
OUNCE_FOODS = frozenset(
    {
        "cheese",
        "nut",
        "chip",
        "jerky",
        "almond",
        "peanut",
        "walnut",
        "cashew",
        "pistachio",
        "pecan",
        "seed",
        "chocolate",
        "candy",
    }
)
MIN_UNIT_GRAMS = 20.0
MAX_UNIT_GRAMS = 400.0
MIN_MEASURE_GRAMS = 2.0
MIN_MEAT_UNIT_GRAMS = 40.0
MAX_DEFAULT_GRAMS = 600.0

_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+")


@dataclass(frozen=True, slots=True)
class MeasureFeatures:
    """The named features of one household measure, smaller is more typical."""

    kind: float  # 0 natural unit, 1 the food class's household measure (a cup, a
    #                  spoon, an ounce), 2 label serving, 3-4 other household measures
    size: int  # medium 0, none 1, large 2, small 3, extra 4, jumbo 5
    amount_fit: int  # 0 the usual amount of that measure, 1 otherwise
    position: int  # USDA's order


def _amount(name: str) -> tuple[float, str]:
    match = _AMOUNT.match(name)
    if match is None:
        return 1.0, name
    return float(match.group(1)), name[match.end() :]


def _size(food_words: set[str], measure_words: set[str]) -> int:
    sizes = EGG_SIZES if "egg" in food_words else SIZES
    if "extra" in measure_words:
        return sizes["extra"]
    return min((sizes[w] for w in measure_words if w in sizes), default=sizes[""])


def _class_order(words: set[str], category: str | None) -> tuple[frozenset[str], ...]:
    if category in SPOON_CATEGORIES or words & SPOON_FOODS:
        return (SPOON, OUNCE, VOLUME)
    if category in OUNCE_CATEGORIES or words & OUNCE_FOODS:
        return (OUNCE, VOLUME, SPOON)
    return (VOLUME, OUNCE, SPOON)


def measure_features(
    food_name: str,
    category: str | None,
    portion: Portion,
    position: int,
    *,
    counted_in_handfuls: bool = False,
) -> MeasureFeatures | None:
    """The features of ``portion`` as a default for the food, or None when it cannot be
    one person's portion."""
    if portion.name is None or not MIN_MEASURE_GRAMS <= portion.grams <= MAX_DEFAULT_GRAMS:
        return None
    amount, measure = _amount(portion.name.lower())
    words = set(tokens(re.split(r"[,(]", measure, maxsplit=1)[0]))
    if not words:
        return None
    food_words = set(tokens(food_name))
    size = _size(food_words, set(tokens(measure)))
    meat = category in MEAT_CATEGORIES
    order = _class_order(food_words, category)
    household = next((i for i, group in enumerate(order) if words & group), None)
    beverage = category == "Beverages" or bool(set(head_tokens(food_name)) & BEVERAGES)
    by_the_ounce = order[0] is OUNCE and not meat  # cheese, nuts, chips, chocolate
    kind: float
    if words & SERVINGS:
        if portion.grams < MIN_UNIT_GRAMS:
            return None  # a 3 g sugar packet is a label's serving, not a person's
        kind = 2
    elif beverage and words & DRINK_CONTAINERS:
        kind = 0  # a can of beer, a bottle of water
    elif words & BULK:
        return None
    elif household is not None:
        kind = 1 if household == 0 else 2 + household
    elif words & PARTS:
        kind = 5  # a leaf, a wedge, a stalk: part of one
    elif words & NATURAL_UNITS or size != SIZES[""]:
        if counted_in_handfuls:
            return None  # one almond, one strawberry: not what "almonds" means
        if meat and portion.grams < MIN_MEAT_UNIT_GRAMS:
            return None  # four shrimp, two slices of bacon: a meal is ~3 oz
        if portion.grams > MAX_UNIT_GRAMS:
            return None  # a whole melon, a whole cucumber: shared or cut up
        # A bar of chocolate, six slices of cheese: after the ounce.
        kind = 1.5 if by_the_ounce else 0.0
    else:
        kind = 5.0
    usual = 3.0 if meat and words & OUNCE else 1.0
    return MeasureFeatures(kind, size, 0 if amount == usual else 1, position)


def _counted_in_handfuls(food_name: str, portions: Sequence[Portion]) -> bool:
    """Whether the food's main natural unit (the best-sized, most plainly named one)
    weighs under ``MIN_UNIT_GRAMS``: then nobody logs "strawberries" meaning one of
    them, and natural units are not defaults."""
    food_words = set(tokens(food_name))
    units = []
    for position, portion in enumerate(portions):
        if portion.name is None:
            continue
        _, measure = _amount(portion.name.lower())
        all_words = set(tokens(measure))
        head = set(tokens(re.split(r"[,(]", measure, maxsplit=1)[0]))
        if head & (VOLUME | OUNCE | SPOON | SERVINGS | BULK):
            continue
        if head & NATURAL_UNITS or head & set(SIZES):
            units.append((_size(food_words, all_words), len(all_words), position, portion.grams))
    return bool(units) and min(units)[3] < MIN_UNIT_GRAMS


def typical_portion(
    food_name: str, category: str | None, portions: Sequence[Portion]
) -> Portion | None:
    """One typical unit or serving of the food among its USDA measures (see module doc);
    None when none of them can be one person's portion."""
    scored = []
    small = _counted_in_handfuls(food_name, portions)
    for position, portion in enumerate(portions):
        features = measure_features(
            food_name, category, portion, position, counted_in_handfuls=small
        )
        if features is not None:
            scored.append(
                (features.kind, features.size, features.amount_fit, features.position, portion)
            )
    return min(scored, key=lambda s: s[:4])[4] if scored else None


def find_portion(portions: Sequence[Portion], wanted: str) -> Portion | None:
    """The named measure a person picked: its exact name (any case), else the one
    measure whose name without its amount and remarks is the same ("medium" is
    ``1 medium (7" to 7-7/8" long)``, "cup" is ``1 cup`` but not when there are
    several cups); None when it names none of them, or several."""
    key = " ".join(wanted.lower().split())
    named = [p for p in portions if p.name is not None]
    for portion in named:
        if portion.name is not None and " ".join(portion.name.lower().split()) == key:
            return portion
    wanted_words = tokens(_amount(key)[1])
    if not wanted_words:
        return None
    same = [
        p
        for p in named
        if p.name is not None
        and tokens(re.split(r"[(]", _amount(p.name.lower())[1], maxsplit=1)[0]) == wanted_words
    ]
    return same[0] if len(same) == 1 else None
