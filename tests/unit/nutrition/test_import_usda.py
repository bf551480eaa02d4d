from __future__ import annotations

from pathlib import Path

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.usda_csv import UsdaCsvSource
from application.nutrition.import_usda import ImportUsda, import_if_empty

SAMPLE = Path(__file__).parent / "fooddata_sample.csv"


async def test_import_is_idempotent_and_reports_progress() -> None:
    store = MemoryNutritionStore()
    importer = ImportUsda(UsdaCsvSource(SAMPLE, SAMPLE), store)
    seen: list[int] = []
    report = await importer(batch_size=2, on_progress=seen.append)
    assert (report.imported, report.batches, report.store_count) == (3, 2, 3)
    assert seen == [2, 1]
    again = await importer(batch_size=2)
    assert again.store_count == 3


async def test_branded_import_adds_branded_foods() -> None:
    store = MemoryNutritionStore()
    report = await ImportUsda(UsdaCsvSource(SAMPLE, SAMPLE), store)(include_branded=True)
    assert report.store_count == 4
    assert await store.count(generic_only=True) == 3


async def test_first_start_fills_an_empty_store_once() -> None:
    store = MemoryNutritionStore()
    importer = ImportUsda(UsdaCsvSource(SAMPLE, SAMPLE), store)
    first = await import_if_empty(importer, store)
    assert first is not None and first.store_count == 3
    assert await import_if_empty(importer, store) is None
