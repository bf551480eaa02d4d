"""Recipes: the catalogue entity, its attribution, and how it is built from a source record."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from domain.recipes.cuisine import cuisine_of
from domain.recipes.ingredients import Ingredient, parse_ingredient
from domain.recipes.nutrition import NutritionPerServing
from domain.recipes.safety import assess
from domain.recipes.text import fold, strip_markup
from domain.recipes.vocabulary import Allergen, Cuisine, Diet, Trait

# Recipe ids are stable: a UUID5 of the source page, so re-imports update in place.
RECIPE_NAMESPACE = uuid.UUID("6f1c2a4e-93d5-5b8e-a1f0-2c3d4e5f6a7b")


@dataclass(frozen=True, slots=True)
class Attribution:
    """Where a recipe comes from and under which licence it may be shared."""

    source: str
    source_url: str
    authors: str
    license: str
    license_url: str
    changes: str


@dataclass(frozen=True, slots=True)
class SourceRecipe:
    """One recipe as the source publishes it, before any interpretation."""

    key: str
    title: str
    ingredients: tuple[str, ...]
    steps: tuple[str, ...]
    category: str | None = None
    servings: str | None = None
    time: str | None = None
    difficulty: str | None = None


@dataclass(frozen=True, slots=True)
class Recipe:
    id: uuid.UUID
    title: str
    category: str | None
    cuisine: Cuisine | None
    ingredients: tuple[Ingredient, ...]
    steps: tuple[str, ...]
    servings: int | None
    total_minutes: int | None
    difficulty: int | None
    allergens: frozenset[Allergen]
    diets: frozenset[Diet]
    traits: frozenset[Trait]
    attribution: Attribution
    nutrition: NutritionPerServing | None = None
    # Lines the lexicon does not recognise; a recipe is verified only when there are none
    # (and it has lines at all). Unverified recipes are never offered under a filter.
    unverified_lines: tuple[str, ...] = ()
    verified: bool = False
    # Share of the recipe's mass matched to USDA foods (None when not estimated).
    nutrition_coverage: float | None = None
    rating_average: float | None = None
    rating_count: int = 0
    search_text: str = field(default="", compare=False)

    @property
    def ingredient_names(self) -> tuple[str, ...]:
        """Distinct normalised names, in recipe order."""
        return tuple(dict.fromkeys(i.name for i in self.ingredients if i.name))


@dataclass(frozen=True, slots=True)
class SourceLicence:
    """What a whole data set says about its origin; each recipe gets its own page URL."""

    source: str
    base_url: str
    authors: str
    license: str
    license_url: str
    changes: str

    def attribution_for(self, key: str) -> Attribution:
        page = quote(key.replace(" ", "_"), safe=":/()_,'!-.")
        return Attribution(
            self.source,
            self.base_url + page,
            self.authors,
            self.license,
            self.license_url,
            self.changes,
        )


def recipe_id_for(source_url: str) -> uuid.UUID:
    return uuid.uuid5(RECIPE_NAMESPACE, source_url)


@lru_cache(maxsize=8192)
def build_recipe(source: SourceRecipe, licence: SourceLicence) -> Recipe:
    """Interpret a source record: parse ingredients, derive allergens, diets and cuisine.

    Pure, so memoised: a process importing the same catalogue twice parses it once."""
    attribution = licence.attribution_for(source.key)
    lines = (strip_markup(line) for line in source.ingredients)
    ingredients = tuple(parse_ingredient(line) for line in lines if line)
    steps = tuple(s for s in (strip_markup(step) for step in source.steps) if s)
    title = strip_markup(source.title)
    safety = assess(title, ingredients, steps)
    return Recipe(
        id=recipe_id_for(attribution.source_url),
        title=title,
        category=source.category,
        cuisine=cuisine_of(title, source.category),
        ingredients=ingredients,
        steps=steps,
        servings=parse_servings(source.servings) or servings_in_steps(steps),
        total_minutes=parse_minutes(source.time),
        difficulty=parse_difficulty(source.difficulty),
        allergens=safety.allergens,
        diets=safety.diets,
        traits=safety.traits,
        attribution=attribution,
        unverified_lines=safety.unverified_lines,
        verified=safety.verified,
        search_text=fold(" ".join([title, source.category or "", *(i.name for i in ingredients)])),
    )


_INT_RE = re.compile(r"\d+")
_DURATION_RE = re.compile(
    r"(?P<n>\d+(?:\s+\d+/\d+|/\d+|[.,]\d+)?)\s*(?:-\s*(?P<m>\d+(?:\s+\d+/\d+|/\d+|[.,]\d+)?)\s*)?"
    r"(?P<unit>days?|d\b|hours?|hrs?|h\b|minutes?|mins?|m\b)"
)
_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1}


_SERVINGS_RE = re.compile(r"(\d+)(?:\s*(?:-|to)\s*(\d+))?")
_VAGUE_SERVINGS_RE = re.compile(r"\bor more\b|\bvaries\b|\bup to\b")
_STEP_SERVINGS_RE = re.compile(
    r"\b(?:serves|feeds|servings?:)\s*(?:about\s*)?(\d+)(?:\s*(?:-|to)\s*(\d+))?"
    r"|\b(\d+)(?:\s*(?:-|to)\s*(\d+))?\s*(?:servings|portions)\b"
)


def _servings_from(low: str, high: str | None) -> int | None:
    value = (int(low) + int(high)) / 2 if high else int(low)
    rounded = int(value + 0.5)  # "6-8" serves 7 on average
    return rounded if 0 < rounded <= 500 else None


def parse_servings(text: str | None) -> int | None:
    """Servings a yield states ("4", "6–8" -> 7, "4 persons"); None when vague."""
    if not text:
        return None
    folded = fold(text)
    if _VAGUE_SERVINGS_RE.search(folded):
        return None
    match = _SERVINGS_RE.search(folded)
    return _servings_from(match.group(1), match.group(2)) if match else None


def servings_in_steps(steps: tuple[str, ...]) -> int | None:
    """A yield stated in the method ("Serves 4", "makes 6 servings")."""
    for step in steps:
        match = _STEP_SERVINGS_RE.search(fold(step))
        if match:
            low, high = (
                (match.group(1), match.group(2))
                if match.group(1)
                else (match.group(3), match.group(4))
            )
            return _servings_from(low, high)
    return None


def parse_difficulty(text: str | None) -> int | None:
    if not text:
        return None
    match = _INT_RE.search(text)
    return int(match.group(0)) if match and 1 <= int(match.group(0)) <= 5 else None


def _amount(text: str) -> float:
    total = 0.0
    for part in text.replace(",", ".").split():
        if "/" in part:
            num, den = part.split("/", 1)
            total += float(num) / float(den) if float(den) else 0.0
        else:
            total += float(part)
    return total


def parse_minutes(text: str | None) -> int | None:
    """Total minutes in a free-text duration ("1½ hours", "Prep: 10 minutes<br/>Cooking: 5
    minutes"); ranges count their upper end. None when no duration is stated."""
    if not text:
        return None
    total = 0.0
    for match in _DURATION_RE.finditer(fold(text)):
        amount = _amount(match.group("m") or match.group("n"))
        total += amount * _UNIT_MINUTES[match.group("unit")[0]]
    return round(total) if total > 0 else None
