"""``psi data import-usda``: copy USDA foods from an offline extract into the nutrition store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.ports.nutrition import NutritionStore, UsdaFoodSource
from domain.nutrition.food import Food

DEFAULT_BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    batches: int
    store_count: int


class ImportUsda:
    """Upserts in batches, so a second run (or a run after a crash) leaves one row per food."""

    def __init__(self, source: UsdaFoodSource, store: NutritionStore) -> None:
        self._source = source
        self._store = store

    def estimated_count(self, *, include_branded: bool) -> int | None:
        return self._source.estimated_count(include_branded=include_branded)

    async def __call__(
        self,
        *,
        include_branded: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        batch: list[Food] = []
        imported = batches = 0
        for food in self._source.foods(include_branded=include_branded):
            batch.append(food)
            if len(batch) >= batch_size:
                await self._store.upsert_many(batch)
                imported, batches = imported + len(batch), batches + 1
                if on_progress is not None:
                    on_progress(len(batch))
                batch = []
        if batch:
            await self._store.upsert_many(batch)
            imported, batches = imported + len(batch), batches + 1
            if on_progress is not None:
                on_progress(len(batch))
        return ImportReport(imported, batches, await self._store.count())


async def import_if_empty(importer: ImportUsda, store: NutritionStore) -> ImportReport | None:
    """The embedded profile's first start: fill an empty store with the generic foods."""
    if await store.count() > 0:
        return None
    return await importer(include_branded=False)


async def import_if_incomplete(importer: ImportUsda, store: NutritionStore) -> ImportReport | None:
    """The embedded profile's start: fill the store with the generic foods when it holds
    fewer than the packaged catalogue has (empty, or filled by an older release: the
    upsert keeps every food's id, so a second run only refreshes)."""
    expected = importer.estimated_count(include_branded=False)
    have = await store.count(generic_only=True)
    if have > 0 and (expected is None or have >= expected):
        return None
    return await importer(include_branded=False)
