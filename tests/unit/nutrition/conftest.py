from __future__ import annotations

import asyncio

import pytest

from adapters.memory.nutrition_store import MemoryNutritionStore
from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from domain.nutrition.food import Food


@pytest.fixture(scope="session")
def generic_foods() -> list[Food]:
    """The real generic USDA foods Psi ships (about 12,400)."""
    return list(UsdaCatalogueSource().foods(include_branded=False))


@pytest.fixture(scope="session")
def usda_store(generic_foods: list[Food]) -> MemoryNutritionStore:
    store = MemoryNutritionStore()
    asyncio.run(store.upsert_many(generic_foods))
    return store
