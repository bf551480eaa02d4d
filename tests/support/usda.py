"""The packaged USDA foods in a production-profile database, imported as an operator
would (`psi data import-usda`). The embedded profile fills its own store on first use."""

from __future__ import annotations

from adapters.nutrition.catalogue_csv import PACKAGED_CATALOGUE_COUNT, UsdaCatalogueSource
from adapters.sql.database import Database
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.import_usda import ImportUsda


async def import_usda_if_incomplete(sql_url: str) -> None:
    db = Database(sql_url)
    try:
        store = SqlNutritionStore(db)
        if await store.count(generic_only=True) < PACKAGED_CATALOGUE_COUNT:
            await ImportUsda(UsdaCatalogueSource(), store)()
    finally:
        await db.dispose()
