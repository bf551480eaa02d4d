"""Closed vocabularies for recipes: allergens, diets, cuisines, and ingredient traits.

Allergens follow the fourteen the EU requires on labels (Regulation 1169/2011,
Annex II). Traits are what the lexicon knows about a food; allergens and diet
compatibility are derived from traits, so a recipe's safety is decided by one table.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


class Allergen(StrEnum):
    GLUTEN = "gluten"
    CRUSTACEANS = "crustaceans"
    EGGS = "eggs"
    FISH = "fish"
    PEANUTS = "peanuts"
    SOY = "soy"
    MILK = "milk"
    TREE_NUTS = "tree_nuts"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    MOLLUSCS = "molluscs"


class Diet(StrEnum):
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"
    PESCATARIAN = "pescatarian"
    GLUTEN_FREE = "gluten_free"
    DAIRY_FREE = "dairy_free"
    NUT_FREE = "nut_free"
    EGG_FREE = "egg_free"
    HALAL = "halal"
    KOSHER = "kosher"
    LOW_CARB = "low_carb"


class Trait(StrEnum):
    """What an ingredient is, as far as allergens and diets care."""

    MEAT = "meat"
    PORK = "pork"
    FISH = "fish"
    CRUSTACEAN = "crustacean"
    MOLLUSC = "mollusc"
    EGG = "egg"
    MILK = "milk"
    HONEY = "honey"
    ALCOHOL = "alcohol"
    GLUTEN = "gluten"
    PEANUT = "peanut"
    TREE_NUT = "tree_nut"
    SOY = "soy"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    HIGH_CARB = "high_carb"


ALLERGEN_TRAITS: dict[Allergen, Trait] = {
    Allergen.GLUTEN: Trait.GLUTEN,
    Allergen.CRUSTACEANS: Trait.CRUSTACEAN,
    Allergen.EGGS: Trait.EGG,
    Allergen.FISH: Trait.FISH,
    Allergen.PEANUTS: Trait.PEANUT,
    Allergen.SOY: Trait.SOY,
    Allergen.MILK: Trait.MILK,
    Allergen.TREE_NUTS: Trait.TREE_NUT,
    Allergen.CELERY: Trait.CELERY,
    Allergen.MUSTARD: Trait.MUSTARD,
    Allergen.SESAME: Trait.SESAME,
    Allergen.SULPHITES: Trait.SULPHITES,
    Allergen.LUPIN: Trait.LUPIN,
    Allergen.MOLLUSCS: Trait.MOLLUSC,
}

_ANIMAL_FLESH = frozenset({Trait.MEAT, Trait.PORK, Trait.FISH, Trait.CRUSTACEAN, Trait.MOLLUSC})

# Traits a diet forbids outright. Kosher's meat-with-milk rule is a combination,
# handled in `classification`.
DIET_FORBIDS: dict[Diet, frozenset[Trait]] = {
    Diet.VEGETARIAN: _ANIMAL_FLESH,
    Diet.VEGAN: _ANIMAL_FLESH | {Trait.EGG, Trait.MILK, Trait.HONEY},
    Diet.PESCATARIAN: frozenset({Trait.MEAT, Trait.PORK}),
    Diet.GLUTEN_FREE: frozenset({Trait.GLUTEN}),
    Diet.DAIRY_FREE: frozenset({Trait.MILK}),
    Diet.NUT_FREE: frozenset({Trait.PEANUT, Trait.TREE_NUT}),
    Diet.EGG_FREE: frozenset({Trait.EGG}),
    Diet.HALAL: frozenset({Trait.PORK, Trait.ALCOHOL}),
    Diet.KOSHER: frozenset({Trait.PORK, Trait.CRUSTACEAN, Trait.MOLLUSC}),
    Diet.LOW_CARB: frozenset({Trait.HIGH_CARB}),
}


class Cuisine(StrEnum):
    AFRICAN = "african"
    AMERICAN = "american"
    ARGENTINIAN = "argentinian"
    AUSTRALIAN = "australian"
    AUSTRIAN = "austrian"
    BRAZILIAN = "brazilian"
    BRITISH = "british"
    CAJUN = "cajun"
    CAMEROONIAN = "cameroonian"
    CARIBBEAN = "caribbean"
    CHINESE = "chinese"
    COLOMBIAN = "colombian"
    CUBAN = "cuban"
    DANISH = "danish"
    DUTCH = "dutch"
    ETHIOPIAN = "ethiopian"
    FILIPINO = "filipino"
    FRENCH = "french"
    GERMAN = "german"
    GHANAIAN = "ghanaian"
    GREEK = "greek"
    HUNGARIAN = "hungarian"
    INDIAN = "indian"
    INDONESIAN = "indonesian"
    IRISH = "irish"
    ITALIAN = "italian"
    JAMAICAN = "jamaican"
    JAPANESE = "japanese"
    JEWISH = "jewish"
    KENYAN = "kenyan"
    KOREAN = "korean"
    LEBANESE = "lebanese"
    MALAYSIAN = "malaysian"
    MEXICAN = "mexican"
    MIDDLE_EASTERN = "middle_eastern"
    MOROCCAN = "moroccan"
    NIGERIAN = "nigerian"
    NORWEGIAN = "norwegian"
    PAKISTANI = "pakistani"
    PERSIAN = "persian"
    PERUVIAN = "peruvian"
    POLISH = "polish"
    PORTUGUESE = "portuguese"
    RUSSIAN = "russian"
    SCOTTISH = "scottish"
    SPANISH = "spanish"
    SWEDISH = "swedish"
    SWISS = "swiss"
    THAI = "thai"
    TURKISH = "turkish"
    UKRAINIAN = "ukrainian"
    VENEZUELAN = "venezuelan"
    VIETNAMESE = "vietnamese"


@functools.cache
def _members_by_value(enum: type[E]) -> dict[str, E]:
    return {m.value: m for m in enum}


def parse_enum_values(enum: type[E], values: object) -> tuple[frozenset[E], list[str]]:
    """Split `values` into known members and the unknown strings (for 400 messages)."""
    known: set[E] = set()
    unknown: list[str] = []
    if not isinstance(values, list | tuple | set | frozenset):
        return frozenset(), [repr(values)]
    members = _members_by_value(enum)
    for raw in values:
        member = members.get(raw) if isinstance(raw, str) else None
        if member is None:
            unknown.append(str(raw))
        else:
            known.add(member)
    return frozenset(known), unknown
