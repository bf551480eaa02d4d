from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.usda_csv import (
    PACKAGED_GENERIC,
    PACKAGED_GENERIC_COUNT,
    UsdaCsvSource,
    extract_generic,
)
from application.nutrition.import_usda import ImportUsda
from domain.nutrition.food import DataType, Food, offline_food_id

SAMPLE = Path(__file__).parent / "fooddata_sample.csv"


def by_name(foods: list[Food]) -> dict[str, Food]:
    return {f.name: f for f in foods}


def test_reads_real_rows_into_the_vocabulary() -> None:
    foods = by_name(list(UsdaCsvSource(SAMPLE, SAMPLE).foods(include_branded=False)))
    assert set(foods) == {"Apple, raw", "Bananas, raw", "Broccoli, raw"}
    banana = foods["Bananas, raw"]
    assert banana.data_type is DataType.SR_LEGACY
    assert banana.per_100g.calories == 89.0
    assert banana.per_100g.carbs_g == 22.84
    assert banana.per_100g.sugar_g == 12.23
    assert banana.per_100g.minerals["potassium_mg"] == 358.0
    assert banana.per_100g.vitamins["vitamin_c_mg"] == 8.7
    assert banana.portion is not None and banana.portion.grams == 225.0
    assert banana.portion.name is None  # USDA left the measure undetermined
    broccoli = foods["Broccoli, raw"]
    assert broccoli.data_type is DataType.FOUNDATION
    assert (broccoli.portion.grams, broccoli.portion.name) == (76.0, "cup")
    # FNDDS in this extract has no portion weight; Foundation's Sugars, Total is used.
    assert foods["Apple, raw"].portion is None
    assert broccoli.per_100g.sugar_g == 1.4
    assert broccoli.fdc_id is None


def test_branded_rows_only_when_asked() -> None:
    source = UsdaCsvSource(SAMPLE, SAMPLE)
    with_branded = by_name(list(source.foods(include_branded=True)))
    assert with_branded["APPLE"].data_type is DataType.BRANDED
    assert with_branded["APPLE"].portion.name == "2 OZA"
    assert "Beets, raw" not in with_branded  # sub-sample records are not foods


def test_branded_without_the_full_extract_says_how_to_get_it() -> None:
    with pytest.raises(FileNotFoundError, match="usda-branded"):
        list(UsdaCsvSource(SAMPLE, None).foods(include_branded=True))


@pytest.mark.parametrize("better_first", [True, False])
async def test_duplicate_rows_store_the_better_measured_one(
    tmp_path: Path, better_first: bool
) -> None:
    lines = SAMPLE.read_text().splitlines()
    header, banana = lines[0], next(line for line in lines if line.startswith('"Bananas'))
    poor = banana.replace(",33,89.0,", ",2,1.0,")
    rows = [banana, poor] if better_first else [poor, banana]
    path = tmp_path / "dups.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    store = MemoryNutritionStore()
    report = await ImportUsda(UsdaCsvSource(path), store)(batch_size=1)
    assert report.store_count == 1
    [stored] = await store.get_many([offline_food_id(DataType.SR_LEGACY, "Bananas, raw")])
    assert stored.per_100g.calories == 89.0


def test_packaged_generic_extract_holds_every_generic_food() -> None:
    foods = list(UsdaCsvSource().foods(include_branded=False))
    assert len(foods) == PACKAGED_GENERIC_COUNT
    counts = {t: sum(f.data_type is t for f in foods) for t in DataType}
    assert counts == {
        DataType.FOUNDATION: 296,
        DataType.SR_LEGACY: 3068,
        DataType.SURVEY: 3985,
        DataType.BRANDED: 0,
    }
    assert len({f.id for f in foods}) == len(foods)


def test_extract_generic_keeps_the_layout(tmp_path: Path) -> None:
    out = tmp_path / "generic.csv.gz"
    assert extract_generic(SAMPLE, out) == 3
    with gzip.open(out, "rt") as fh:
        assert fh.readline().startswith("foodName,data_type,food_category")
    assert len(list(UsdaCsvSource(out).foods(include_branded=False))) == 3
    assert PACKAGED_GENERIC.stat().st_size < 1_000_000
