"""The nutrient vocabulary and arithmetic on nutrient amounts.

Amounts are per some mass of food (per 100 g in the catalogue, per portion once
scaled). A value of ``None`` means "not measured", which is not the same as 0:
a sum keeps a macro unknown only while every part is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Vitamins, minerals and lipid details carry their unit in their key.
VITAMINS: Mapping[str, str] = MappingProxyType(
    {
        "vitamin_a_rae_ug": "ug",
        "vitamin_c_mg": "mg",
        "vitamin_d_ug": "ug",
        "vitamin_e_mg": "mg",
        "vitamin_k_ug": "ug",
        "thiamin_mg": "mg",
        "riboflavin_mg": "mg",
        "niacin_mg": "mg",
        "pantothenic_acid_mg": "mg",
        "vitamin_b6_mg": "mg",
        "folate_ug": "ug",
        "vitamin_b12_ug": "ug",
        "choline_mg": "mg",
    }
)

MINERALS: Mapping[str, str] = MappingProxyType(
    {
        "calcium_mg": "mg",
        "iron_mg": "mg",
        "magnesium_mg": "mg",
        "phosphorus_mg": "mg",
        "potassium_mg": "mg",
        "sodium_mg": "mg",
        "zinc_mg": "mg",
        "copper_mg": "mg",
        "iodine_ug": "ug",
        "manganese_mg": "mg",
        "molybdenum_ug": "ug",
        "selenium_ug": "ug",
    }
)

LIPIDS: Mapping[str, str] = MappingProxyType(
    {
        "saturated_fat_g": "g",
        "cholesterol_mg": "mg",
        "dha_g": "g",
        "epa_g": "g",
        "ala_g": "g",
    }
)

MACROS: tuple[str, ...] = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "sugar_g")


_KEYS = {
    id(VITAMINS): frozenset(VITAMINS),
    id(MINERALS): frozenset(MINERALS),
    id(LIPIDS): frozenset(LIPIDS),
}


def _frozen(
    values: Mapping[str, float], vocabulary: Mapping[str, str], kind: str
) -> Mapping[str, float]:
    if not values:
        return MappingProxyType({})
    unknown = values.keys() - _KEYS[id(vocabulary)]
    if unknown:
        raise ValueError(f"unknown {kind}: {sorted(unknown)}")
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"{key} must not be negative")
    return MappingProxyType(dict(values))


def _add(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _add_maps(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0.0) + value
    return out


@dataclass(frozen=True, slots=True)
class Nutrients:
    """Nutrient amounts for one mass of food; calories in kcal, macros in grams."""

    calories: float | None = None
    protein_g: float | None = None
    carbs_g: float | None = None
    fat_g: float | None = None
    fiber_g: float | None = None
    sugar_g: float | None = None
    vitamins: Mapping[str, float] = field(default_factory=dict)
    minerals: Mapping[str, float] = field(default_factory=dict)
    lipids: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in MACROS:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        object.__setattr__(self, "vitamins", _frozen(self.vitamins, VITAMINS, "vitamins"))
        object.__setattr__(self, "minerals", _frozen(self.minerals, MINERALS, "minerals"))
        object.__setattr__(self, "lipids", _frozen(self.lipids, LIPIDS, "lipids"))

    def scaled(self, factor: float) -> Nutrients:
        """The same food in ``factor`` times the mass."""
        if factor < 0:
            raise ValueError("factor must not be negative")

        def s(v: float | None) -> float | None:
            return None if v is None else v * factor

        return Nutrients(
            calories=s(self.calories),
            protein_g=s(self.protein_g),
            carbs_g=s(self.carbs_g),
            fat_g=s(self.fat_g),
            fiber_g=s(self.fiber_g),
            sugar_g=s(self.sugar_g),
            vitamins={k: v * factor for k, v in self.vitamins.items()},
            minerals={k: v * factor for k, v in self.minerals.items()},
            lipids={k: v * factor for k, v in self.lipids.items()},
        )

    def for_portion(self, grams: float) -> Nutrients:
        """Amounts in ``grams`` of a food whose amounts are given per 100 g."""
        if grams < 0:
            raise ValueError("grams must not be negative")
        return self.scaled(grams / 100.0)

    def __add__(self, other: Nutrients) -> Nutrients:
        return Nutrients(
            calories=_add(self.calories, other.calories),
            protein_g=_add(self.protein_g, other.protein_g),
            carbs_g=_add(self.carbs_g, other.carbs_g),
            fat_g=_add(self.fat_g, other.fat_g),
            fiber_g=_add(self.fiber_g, other.fiber_g),
            sugar_g=_add(self.sugar_g, other.sugar_g),
            vitamins=_add_maps(self.vitamins, other.vitamins),
            minerals=_add_maps(self.minerals, other.minerals),
            lipids=_add_maps(self.lipids, other.lipids),
        )

    def rounded(self, digits: int = 2) -> Nutrients:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, digits)

        return Nutrients(
            calories=r(self.calories),
            protein_g=r(self.protein_g),
            carbs_g=r(self.carbs_g),
            fat_g=r(self.fat_g),
            fiber_g=r(self.fiber_g),
            sugar_g=r(self.sugar_g),
            vitamins={k: round(v, digits + 2) for k, v in self.vitamins.items()},
            minerals={k: round(v, digits + 2) for k, v in self.minerals.items()},
            lipids={k: round(v, digits + 2) for k, v in self.lipids.items()},
        )

    @property
    def known_macros(self) -> int:
        """How many of the six headline values were measured (a completeness signal)."""
        return sum(getattr(self, name) is not None for name in MACROS)


def total(parts: Iterable[Nutrients]) -> Nutrients:
    """The sum of several portions: the nutrition of a whole meal."""
    out = Nutrients()
    for part in parts:
        out = out + part
    return out
