"""Nutrition per serving from ingredient amounts and each matched food's own USDA data.

A line's weight comes, in this order, from a stated mass ("200 g", "1 lb", or grams in
parentheses: "1 cup (200 g) rice"), from a volume converted with the matched food's own
USDA household measure ("cup" = 158 g for cooked rice, 120 g for flour), or from a count
converted with the food's own unit weight ("1 medium" = 118 g). There is no generic
density: a cup of a food without a USDA cup measure leaves the line uncovered (water is
the one exception, 1 g per ml being what a millilitre of water weighs).

`coverage` is the share of the recipe's estimated mass whose nutrients are counted
(water, which has none, is left out of both sides).
Uncovered lines still need a mass for that share; they get a rough size (a volume at
1 g/ml, a counted item at 100 g) that sizes the gap and is never priced. Below
`MIN_COVERAGE`, or without a stated number of servings, nutrition per serving is None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.nutrition.food import Portion
from domain.recipes.ingredients import Ingredient
from domain.recipes.text import fold, tokens

NUTRIENT_FIELDS = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "sugar_g")
# 85 %: with the uncovered sixth or less at the covered part's energy density the figure
# is off by at most about 15 %, the error of a good hand estimate; see the fragment.
MIN_COVERAGE = 0.85

MASS_GRAMS = {"g": 1.0, "kg": 1000.0, "mg": 0.001, "oz": 28.3495, "lb": 453.592}
VOLUME_ML = {
    "ml": 1.0,
    "l": 1000.0,
    "dl": 100.0,
    "cl": 10.0,
    "cup": 236.588,
    "tbsp": 14.787,
    "tsp": 4.929,
    "fl_oz": 29.574,
    "pint": 473.176,
    "quart": 946.353,
    "gallon": 3785.41,
}
# Amounts too small to weigh: left out of both the nutrients and the coverage.
NEGLIGIBLE_UNITS = frozenset({"pinch", "dash", "drop", "splash"})
_NEGLIGIBLE_WORDS_RE = re.compile(
    r"\b(?:to taste|for garnish|to garnish|garnish|for serving|for frying|for greasing|"
    r"for dusting|for deep frying|as needed|as required|optional)\b"
)
# Foods with no energy whose volume is their weight.
WATER = frozenset({"water", "sparkling water"})

# Unit weights for counted foods the USDA portions may not name, from USDA SR household
# measures (one medium item unless said otherwise).
UNIT_WEIGHTS: dict[str, float] = {
    "egg": 50.0,
    "onion": 110.0,
    "garlic": 3.0,
    "tomato": 123.0,
    "potato": 213.0,
    "carrot": 61.0,
    "lemon": 58.0,
    "lime": 67.0,
    "apple": 182.0,
    "banana": 118.0,
    "orange": 131.0,
    "bell pepper": 119.0,
    "scallion": 15.0,
    "shallot": 25.0,
    "avocado": 150.0,
    "zucchini": 196.0,
    "cucumber": 301.0,
    "sweet potato": 130.0,
}
# Named units of one food (USDA SR): a clove of garlic, a US stick of butter.
NAMED_UNIT_WEIGHTS: dict[tuple[str, str], float] = {
    ("clove", "garlic"): 3.0,
    ("stick", "butter"): 113.0,
    ("stalk", "celery"): 40.0,
    ("slice", "bread"): 29.0,
    ("slice", "bacon"): 28.0,
    ("head", "garlic"): 40.0,
}
MAX_LINE_GRAMS = 10_000.0
_ROUGH_ITEM_GRAMS = 100.0  # sizes an uncovered counted line for the coverage only
_ROUGH_UNIT_GRAMS = 50.0
# Rough sizes of packaged and bunched units, to size an uncovered line for the coverage.
_ROUGH_GRAMS_PER_UNIT = {
    "can": 400.0,
    "jar": 350.0,
    "package": 250.0,
    "bottle": 500.0,
    "box": 400.0,
    "bag": 400.0,
    "carton": 500.0,
    "bunch": 100.0,
    "head": 500.0,
    "loaf": 500.0,
    "block": 250.0,
    "fillet": 150.0,
    "stick": 113.0,
    "slice": 30.0,
    "handful": 30.0,
    "clove": 4.0,
    "sprig": 1.0,
    "leaf": 0.5,
    "stalk": 40.0,
    "cube": 10.0,
    "knob": 15.0,
}
# Seasonings named without an amount: a pinch, whatever the line says.
_SEASONINGS = frozenset({"salt", "black pepper"})
# Recipes mean large eggs unless they say otherwise; other foods, a medium one.
_USUAL_SIZE = {"egg": "large"}
_SIZE_WORDS = ("extra large", "large", "medium", "small", "jumbo")
_NUM = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?)"
_PAREN_MASS_RE = re.compile(
    rf"\(([^)]*?)({_NUM})(?:\s*(?:-|to)\s*({_NUM}))?\s*"
    r"(kg|g|grams?|grammes?|kilograms?|kilos?)\b"
)
_PAREN_VOLUME_RE = re.compile(
    rf"\(([^)]*?)({_NUM})(?:\s*(?:-|to)\s*({_NUM}))?\s*"
    r"(ml|millilit(?:er|re)s?|l|lit(?:er|re)s?|dl|cl)\b"
)
_PAREN_UNITS = {
    "kg": 1000.0,
    "kilogram": 1000.0,
    "kilo": 1000.0,
    "l": 1000.0,
    "liter": 1000.0,
    "litre": 1000.0,
    "dl": 100.0,
    "cl": 10.0,
}
_PORTION_VOLUME_WORDS = {
    "cup": 236.588,
    "tbsp": 14.787,
    "tablespoon": 14.787,
    "tsp": 4.929,
    "teaspoon": 4.929,
    "fl": 29.574,
    "ml": 1.0,
    "liter": 1000.0,
    "litre": 1000.0,
    "pint": 473.176,
    "quart": 946.353,
}
# Measures that are not "one of it" when a line counts items ("2 onions").
_NOT_ONE_ITEM_RE = re.compile(
    r"\b(?:slices?|oz|lbs?|servings?|g|grams?|kg|pieces?|packages?|"
    r"containers?|cans?|bunch|pinch|dash)\b"
)
_PORTION_NUMBER_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+)")


@dataclass(frozen=True, slots=True)
class Nutrients:
    """Amounts per 100 g of one food."""

    calories: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    sugar_g: float


@dataclass(frozen=True, slots=True)
class FoodFacts:
    """What the matched USDA food says: nutrients per 100 g and its household measures."""

    name: str
    per_100g: Nutrients
    portions: tuple[Portion, ...] = ()


@dataclass(frozen=True, slots=True)
class NutritionPerServing:
    calories: float
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    sugar_g: float
    coverage: float  # share of the recipe's mass whose nutrients are counted
    source: str


@dataclass(frozen=True, slots=True)
class LineWeight:
    grams: float | None  # the weight the nutrients are counted for; None when unknown
    rough_grams: float  # for the coverage share only (0 for negligible lines)


@dataclass(frozen=True, slots=True)
class RecipeNutrition:
    per_serving: NutritionPerServing | None
    coverage: float | None  # None when no line has any amount


def amount_of(ingredient: Ingredient) -> float | None:
    if ingredient.quantity is None:
        return None
    if ingredient.quantity_max is not None:
        return (ingredient.quantity + ingredient.quantity_max) / 2
    return ingredient.quantity


def _number(text: str) -> float:
    total = 0.0
    for part in text.replace(",", ".").split():
        num, _, den = part.partition("/")
        total += float(num) / float(den) if den else float(num)
    return total


def _parenthesised(folded: str, pattern: re.Pattern[str]) -> tuple[float, str] | None:
    match = pattern.search(folded)
    if match is None:
        return None
    low = _number(match.group(2))
    high = _number(match.group(3)) if match.group(3) else low
    unit = match.group(4).rstrip("s")
    unit = {"gram": "g", "gramme": "g", "milliliter": "ml", "millilitre": "ml"}.get(unit, unit)
    return (low + high) / 2 * _PAREN_UNITS.get(unit, 1.0), unit


def stated_grams(ingredient: Ingredient) -> float | None:
    """A weight the line states: a mass unit, or grams in parentheses (for the whole line:
    "2 cans (30 oz / 850 g)" is 850 g)."""
    folded = fold(ingredient.text)
    found = _parenthesised(folded, _PAREN_MASS_RE)
    if found is not None:
        return found[0]
    amount = amount_of(ingredient)
    if amount is not None and ingredient.unit in MASS_GRAMS:
        return amount * MASS_GRAMS[ingredient.unit]
    return None


def stated_millilitres(ingredient: Ingredient) -> float | None:
    folded = fold(ingredient.text)
    amount = amount_of(ingredient)
    if amount is not None and ingredient.unit in VOLUME_ML:
        return amount * VOLUME_ML[ingredient.unit]
    found = _parenthesised(folded, _PAREN_VOLUME_RE)
    return found[0] if found is not None else None


def _portion_volume_ml(portion: Portion) -> float | None:
    name = fold(portion.name or "")
    words = tokens(name)
    unit_ml = next((_PORTION_VOLUME_WORDS[w] for w in words if w in _PORTION_VOLUME_WORDS), None)
    if unit_ml is None:
        return None
    match = _PORTION_NUMBER_RE.match(name)
    count = 1.0
    if match:
        raw = match.group(1)
        num, _, den = raw.partition("/")
        count = float(num) / float(den) if den else float(num)
    return count * unit_ml if count > 0 else None


def _overlap(portion: Portion, words: set[str]) -> int:
    return len(words & set(tokens(fold(portion.name or ""))))


def grams_per_ml(facts: FoodFacts, ingredient: Ingredient) -> float | None:
    """The food's own density from its USDA volume measures; the measure sharing the line's
    unit and words ("cup, chopped" for "1 cup chopped onion") first."""
    line_words = set(tokens(fold(ingredient.text)))
    unit_word = {"tbsp": "tablespoon", "tsp": "teaspoon"}.get(ingredient.unit or "", "")
    best: tuple[int, float] | None = None
    for portion in facts.portions:
        ml = _portion_volume_ml(portion)
        if ml is None:
            continue
        words = set(tokens(fold(portion.name or "")))
        score = 2 * bool(ingredient.unit and (ingredient.unit in words or unit_word in words))
        score += _overlap(portion, line_words)
        if best is None or score > best[0]:
            best = (score, portion.grams / ml)
    return best[1] if best else None


def unit_grams(facts: FoodFacts | None, ingredient: Ingredient) -> float | None:
    """Weight of one counted item ("2 eggs", "1 large onion") or one named unit ("3 cloves
    garlic"): the food's own USDA measure first, then a USDA-sourced table."""
    folded = fold(ingredient.text)
    if facts is not None:
        wanted = ingredient.unit
        size = next((s for s in _SIZE_WORDS if re.search(rf"\b{s}\b", folded)), None)
        candidates = [p for p in facts.portions if _portion_volume_ml(p) is None and p.name]
        if wanted is not None:
            named = [p for p in candidates if wanted in tokens(fold(p.name or ""))]
            if named:
                return named[0].grams
        else:
            usual = _USUAL_SIZE.get(ingredient.name, "medium")
            for preferred in ((size,) if size else ()) + (usual, None):
                for portion in candidates:
                    name = fold(portion.name or "")
                    if preferred is None or re.search(rf"\b{preferred}\b", name):
                        if preferred is None and _NOT_ONE_ITEM_RE.search(name):
                            continue
                        return portion.grams
    if ingredient.unit is None:
        return UNIT_WEIGHTS.get(ingredient.name)
    return NAMED_UNIT_WEIGHTS.get((ingredient.unit, ingredient.name))


def is_negligible(ingredient: Ingredient) -> bool:
    if ingredient.unit in NEGLIGIBLE_UNITS:
        return True
    if ingredient.quantity is None and ingredient.name in _SEASONINGS:
        return True
    return ingredient.quantity is None and bool(_NEGLIGIBLE_WORDS_RE.search(fold(ingredient.text)))


def line_weight(ingredient: Ingredient, facts: FoodFacts | None) -> LineWeight:
    if is_negligible(ingredient):
        return LineWeight(None, 0.0)
    grams = stated_grams(ingredient)
    if grams is not None and grams > MAX_LINE_GRAMS:
        grams = None  # "450 kg eggplant": a typo, not a weight
    if grams is not None:
        return LineWeight(grams, grams)
    millilitres = stated_millilitres(ingredient)
    if millilitres is not None:
        if ingredient.name in WATER:
            return LineWeight(millilitres, millilitres)
        density = grams_per_ml(facts, ingredient) if facts is not None else None
        if density is not None:
            return LineWeight(millilitres * density, millilitres * density)
        return LineWeight(None, millilitres)
    amount = amount_of(ingredient)
    if amount is None:
        # "Water", "sweet corn kernels": an amount left to the cook, sized roughly.
        return LineWeight(None, _ROUGH_UNIT_GRAMS)
    each = unit_grams(facts, ingredient)
    if each is not None:
        return LineWeight(amount * each, amount * each)
    rough = (
        _ROUGH_ITEM_GRAMS
        if ingredient.unit is None
        else _ROUGH_GRAMS_PER_UNIT.get(ingredient.unit, _ROUGH_UNIT_GRAMS)
    )
    return LineWeight(None, amount * rough)


def estimate_nutrition(
    ingredients: Iterable[Ingredient],
    servings: int | None,
    facts_for: Callable[[Ingredient], FoodFacts | None],
    source: str,
    min_coverage: float = MIN_COVERAGE,
) -> RecipeNutrition:
    """Per-serving nutrients when the counted lines make up at least `min_coverage` of the
    recipe's mass and the recipe says how many it serves; the coverage either way."""
    totals = dict.fromkeys(NUTRIENT_FIELDS, 0.0)
    counted_mass = 0.0
    total_mass = 0.0
    for ingredient in ingredients:
        if ingredient.name in WATER:
            continue  # no nutrients: its mass would only make the coverage look better
        facts = facts_for(ingredient)
        weight = line_weight(ingredient, facts)
        total_mass += weight.rough_grams
        if weight.grams is None or facts is None:
            continue
        counted_mass += weight.grams
        for name in NUTRIENT_FIELDS:
            totals[name] += getattr(facts.per_100g, name) * weight.grams / 100.0
    if total_mass <= 0:
        return RecipeNutrition(None, None)
    coverage = round(min(counted_mass / total_mass, 1.0), 2)
    if coverage < min_coverage or not servings or servings <= 0:
        return RecipeNutrition(None, coverage)
    values = {k: round(v / servings, 1) for k, v in totals.items()}
    return RecipeNutrition(
        NutritionPerServing(**values, coverage=coverage, source=source), coverage
    )
