"""Getting the recipe catalogue into the app under test.

The embedded profile imports the packaged catalogue itself on first use. For the
production profile (Postgres shared by the session) it is imported once here, as
`psi data import-recipes` would.
"""

from __future__ import annotations

from adapters.recipes.serving import ServedFridgeIndex
from adapters.recipes.wikibooks import read_recipes
from adapters.sql.database import Database
from adapters.sql.recipes import SqlRecipeCatalogue
from application.recipes.import_catalogue import ImportRecipes
from entrypoints.providers.recipes import fridge_index_path
from entrypoints.settings import Settings


async def ensure_catalogue(settings: Settings) -> None:
    if not settings.is_production:
        return
    db = Database(settings.sql_url)
    try:
        catalogue = SqlRecipeCatalogue(db)
        index = ServedFridgeIndex(fridge_index_path(settings))
        licence, sources = read_recipes()
        if await catalogue.count() >= len(sources) and await catalogue.version() is not None:
            return
        await ImportRecipes(catalogue, index)(licence, sources)
    finally:
        await db.dispose()
