"""NutritionStore on SQL: Postgres (tsvector prefix search) or SQLite (FTS5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, text

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.nutrition_models import NutritionFoodRow
from domain.nutrition.food import DataType, Food, Portion
from domain.nutrition.nutrients import Nutrients
from domain.nutrition.text import search_text, tokens

_t = NutritionFoodRow.__table__
_COLS = tuple(c for c in _t.c if c.name != "search_text")
_UPDATABLE = [c.name for c in _t.c if c.name != "id"]
_BRANDED_RANK = DataType.BRANDED.rank
_ORDER = (_t.c.source_rank, _t.c.name_length, _t.c.id)
_FTS_MATCH = "SELECT rowid FROM nutrition_foods_fts WHERE nutrition_foods_fts MATCH :q"


def _row_values(food: Food) -> dict[str, Any]:
    n = food.per_100g
    return {
        "id": food.id,
        "fdc_id": food.fdc_id,
        "name": food.name,
        "data_type": food.data_type.value,
        "source_rank": food.data_type.rank,
        "name_length": len(food.name),
        "category": food.category,
        "portion_name": food.portion.name if food.portion else None,
        "portion_grams": food.portion.grams if food.portion else None,
        "ndb_number": food.ndb_number,
        "portions": [[p.name, p.grams] for p in food.portions],
        "calories": n.calories,
        "protein_g": n.protein_g,
        "carbs_g": n.carbs_g,
        "fat_g": n.fat_g,
        "fiber_g": n.fiber_g,
        "sugar_g": n.sugar_g,
        "vitamins": dict(n.vitamins),
        "minerals": dict(n.minerals),
        "lipids": dict(n.lipids),
        "search_text": search_text(food.name),
    }


def _to_food(row: Any) -> Food:
    portion = Portion(row.portion_grams, row.portion_name) if row.portion_grams else None
    return Food(
        id=row.id,
        name=row.name,
        data_type=DataType(row.data_type),
        fdc_id=row.fdc_id,
        category=row.category,
        portion=portion,
        ndb_number=row.ndb_number,
        portions=tuple(Portion(grams, name) for name, grams in row.portions or ()),
        per_100g=Nutrients(
            calories=row.calories,
            protein_g=row.protein_g,
            carbs_g=row.carbs_g,
            fat_g=row.fat_g,
            fiber_g=row.fiber_g,
            sugar_g=row.sugar_g,
            vitamins=row.vitamins or {},
            minerals=row.minerals or {},
            lipids=row.lipids or {},
        ),
    )


def fts5_query(words: Sequence[str], *, match_all: bool) -> str:
    """``"apple"* AND "raw"*``; words are ``tokens()`` output, so only [a-z0-9]."""
    joiner = " AND " if match_all else " OR "
    return joiner.join(f'"{w}"*' for w in words)


def tsquery(words: Sequence[str], *, match_all: bool) -> str:
    """``apple:* & raw:*`` for ``to_tsquery('simple', ...)``."""
    joiner = " & " if match_all else " | "
    return joiner.join(f"{w}:*" for w in words)


@translates_failures(DATABASE)
class SqlNutritionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert_many(self, foods: Sequence[Food]) -> None:
        if not foods:
            return
        rows = list({food.id: _row_values(food) for food in foods}.values())
        stmt = self._db.insert(_t)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_t.c.id],
            set_={name: getattr(stmt.excluded, name) for name in _UPDATABLE},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt, rows)

    async def count(self, *, generic_only: bool = False) -> int:
        query = select(func.count()).select_from(_t)
        if generic_only:
            query = query.where(_t.c.source_rank < _BRANDED_RANK)
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def candidates(
        self, query: str, *, match_all: bool, limit: int, include_branded: bool = True
    ) -> list[Food]:
        words = tokens(query)
        if not words or limit < 1:
            return []
        stmt = select(*_COLS)
        if self._db.is_sqlite:
            matching = text(_FTS_MATCH).bindparams(q=fts5_query(words, match_all=match_all))
            stmt = stmt.where(_t.c.id.in_(matching))
        else:
            stmt = stmt.where(
                func.to_tsvector(text("'simple'"), _t.c.search_text).op("@@")(
                    func.to_tsquery(
                        text("'simple'"), bindparam("q", tsquery(words, match_all=match_all))
                    )
                )
            )
        if not include_branded:
            stmt = stmt.where(_t.c.source_rank < _BRANDED_RANK)
        stmt = stmt.order_by(*_ORDER).limit(limit)
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [_to_food(row) for row in rows]

    async def get_many(self, food_ids: Sequence[int]) -> list[Food]:
        ids = list(dict.fromkeys(food_ids))
        if not ids:
            return []
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(select(*_COLS).where(_t.c.id.in_(ids)))).all()
        return [_to_food(row) for row in rows]
