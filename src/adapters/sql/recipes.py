"""The recipe catalogue on SQL: one row per recipe (its JSON document plus filter columns)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import and_, delete, func, insert, select

from adapters.failures import translates_failures
from adapters.recipes.codec import (
    ALLERGEN_BITS,
    DIET_BITS,
    mask_of,
    recipe_from_document,
    recipe_to_document,
)
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.recipes_models import RecipeCatalogueMetaRow, RecipeRow
from application.ports.recipes import RecipePage, RecipeQuery
from domain.recipes.recipe import Recipe
from domain.recipes.text import fold

_recipes = RecipeRow.__table__
_meta = RecipeCatalogueMetaRow.__table__
_VERSION_KEY = "catalogue_version"


def _row(recipe: Recipe) -> dict[str, object]:
    return {
        "id": recipe.id,
        "title": recipe.title[:300],
        "title_sort": fold(recipe.title)[:300],
        "search_text": recipe.search_text or fold(recipe.title),
        "cuisine": recipe.cuisine.value if recipe.cuisine else None,
        "diets_mask": mask_of(recipe.diets, DIET_BITS),
        "allergens_mask": mask_of(recipe.allergens, ALLERGEN_BITS),
        "total_minutes": recipe.total_minutes,
        "document": recipe_to_document(recipe),
    }


MEMO_TTL_S = 60.0
MEMO_SIZE = 4096


@translates_failures(DATABASE)
class SqlRecipeCatalogue:
    """Recipes read by id are kept decoded in-process for a minute: the catalogue only
    changes on import, and decoding documents was most of a fridge request's cost."""

    def __init__(self, db: Database, memo_ttl_s: float = MEMO_TTL_S) -> None:
        self._db = db
        self._memo_ttl_s = memo_ttl_s
        self._memo: dict[UUID, tuple[float, Recipe]] = {}

    def _remember(self, recipes: Sequence[Recipe]) -> None:
        if len(self._memo) + len(recipes) > MEMO_SIZE:
            self._memo.clear()
        expires = time.monotonic() + self._memo_ttl_s
        for recipe in recipes:
            self._memo[recipe.id] = (expires, recipe)

    def _recall(self, recipe_id: UUID, now: float) -> Recipe | None:
        found = self._memo.get(recipe_id)
        return found[1] if found is not None and found[0] > now else None

    async def upsert_many(self, recipes: Sequence[Recipe]) -> None:
        if not recipes:
            return
        rows = [_row(r) for r in recipes]
        self._memo.clear()
        # Delete-then-insert in one transaction: portable, and idempotent by id.
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_recipes).where(_recipes.c.id.in_([r.id for r in recipes])))
            await conn.execute(insert(_recipes), rows)

    async def set_version(self, version: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_meta).where(_meta.c.key == _VERSION_KEY))
            await conn.execute(insert(_meta).values(key=_VERSION_KEY, value=version))

    async def version(self) -> str | None:
        async with self._db.engine.connect() as conn:
            return (
                await conn.execute(select(_meta.c.value).where(_meta.c.key == _VERSION_KEY))
            ).scalar()

    async def count(self) -> int:
        async with self._db.engine.connect() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(_recipes))).scalar() or 0
            )

    async def get(self, recipe_id: UUID) -> Recipe | None:
        return (await self.get_many([recipe_id])).get(recipe_id)

    async def get_many(self, recipe_ids: Sequence[UUID]) -> dict[UUID, Recipe]:
        now = time.monotonic()
        found: dict[UUID, Recipe] = {}
        wanted: list[UUID] = []
        for recipe_id in recipe_ids:
            recipe = self._recall(recipe_id, now)
            if recipe is None:
                wanted.append(recipe_id)
            else:
                found[recipe_id] = recipe
        if wanted:
            async with self._db.engine.connect() as conn:
                docs = list(
                    (
                        await conn.execute(
                            select(_recipes.c.document).where(_recipes.c.id.in_(wanted))
                        )
                    ).scalars()
                )
            loaded = [recipe_from_document(d) for d in docs]
            self._remember(loaded)
            found.update((r.id, r) for r in loaded)
        return found

    async def search(self, query: RecipeQuery) -> RecipePage:
        conditions = []
        if query.q:
            conditions += [
                _recipes.c.search_text.contains(word, autoescape=True)
                for word in fold(query.q).split()
            ]
        if query.cuisine is not None:
            conditions.append(_recipes.c.cuisine == query.cuisine.value)
        if query.diet is not None:
            bit = 1 << DIET_BITS.index(query.diet)
            conditions.append(_recipes.c.diets_mask.op("&")(bit) != 0)
        if query.max_minutes is not None:
            conditions.append(_recipes.c.total_minutes <= query.max_minutes)
        where = and_(True, *conditions)
        page = (
            select(_recipes.c.id)
            .where(where)
            .order_by(_recipes.c.title_sort, _recipes.c.id)
            .offset((query.page - 1) * query.per_page)
            .limit(query.per_page)
        )
        async with self._db.engine.connect() as conn:
            total = int(
                (
                    await conn.execute(select(func.count()).select_from(_recipes).where(where))
                ).scalar()
                or 0
            )
            ids = list((await conn.execute(page)).scalars())
        found = await self.get_many(ids)
        return RecipePage([found[i] for i in ids if i in found], total)

    async def all(self) -> list[Recipe]:
        async with self._db.engine.connect() as conn:
            docs = list(
                (await conn.execute(select(_recipes.c.document).order_by(_recipes.c.id))).scalars()
            )
        return [recipe_from_document(d) for d in docs]
