"""`AnalysisRepository` on SQL (Postgres and SQLite), with SQLAlchemy Core.

The history's `meta.total` comes from `user_counters` (name `food_history`), changed
in the same transaction as every insert, completion and delete of a completed entry,
so an unfiltered page costs one indexed query and no count.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.database import Database
from adapters.sql.food_rows import (
    foods_to_json,
    from_history_row,
    from_row,
    models_to_json,
    nutrients_to_json,
    to_row,
)
from adapters.sql.models import FoodHistoryRow, UserCounterRow
from domain.food.analysis import Analysis, AnalysisStatus, FoodItem
from domain.food.history import HistoryPage, HistoryQuery
from domain.nutrition.nutrients import Nutrients

_t = FoodHistoryRow.__table__
_counters = UserCounterRow.__table__
HISTORY_COUNTER = "food_history"

# What a history page shows, JSON as text (decoded by msgspec in `from_history_row`).
_HISTORY_COLUMNS = (
    _t.c.id, _t.c.source, _t.c.created_at, _t.c.completed_at, _t.c.eaten_at,
    cast(_t.c.detected_foods, Text).label("detected_foods"), _t.c.description,
    cast(_t.c.nutrition, Text).label("nutrition"), _t.c.confidence_score,
    _t.c.analysis_duration_ms, cast(_t.c.models, Text).label("models"), _t.c.corrected,
    _t.c.image_ref, _t.c.attempts, _t.c.started_at,
)

PENDING = AnalysisStatus.PENDING.value
PROCESSING = AnalysisStatus.PROCESSING.value
COMPLETED = AnalysisStatus.COMPLETED.value
FAILED = AnalysisStatus.FAILED.value


class SqlAnalysisRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- counters ------------------------------------------------------------------

    async def _count(self, conn: AsyncConnection, user_id: UUID, delta: int) -> None:
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        stmt = insert(_counters).values(user_id=user_id, name=HISTORY_COUNTER,
                                        value=max(delta, 0))
        stmt = stmt.on_conflict_do_update(index_elements=[_counters.c.user_id, _counters.c.name],
                                          set_={"value": _counters.c.value + delta})
        await conn.execute(stmt)

    # -- writes ----------------------------------------------------------------------

    async def add(self, analysis: Analysis) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(_t.insert().values(**to_row(analysis)))
            if analysis.status is AnalysisStatus.COMPLETED:
                await self._count(conn, analysis.user_id, 1)

    async def claim(self, analysis_id: UUID, now: datetime, lease_until: datetime
                    ) -> Analysis | None:
        stmt = (update(_t)
                .where(_t.c.id == analysis_id,
                       or_(_t.c.status == PENDING,
                           and_(_t.c.status == PROCESSING, _t.c.lease_until <= now)))
                .values(status=PROCESSING, attempts=_t.c.attempts + 1, started_at=now,
                        lease_until=lease_until)
                .returning(*_t.c))
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
        return from_row(row) if row is not None else None

    def _held(self, analysis_id: UUID, attempt: int) -> ColumnElement[bool]:
        return and_(_t.c.id == analysis_id, _t.c.status == PROCESSING,
                    _t.c.attempts == attempt)

    async def renew(self, analysis_id: UUID, attempt: int, lease_until: datetime) -> bool:
        async with self._db.engine.begin() as conn:
            res = await conn.execute(update(_t).where(self._held(analysis_id, attempt))
                                     .values(lease_until=lease_until))
        return res.rowcount == 1

    async def release(self, analysis_id: UUID, attempt: int) -> bool:
        async with self._db.engine.begin() as conn:
            res = await conn.execute(update(_t).where(self._held(analysis_id, attempt))
                                     .values(status=PENDING, lease_until=None))
        return res.rowcount == 1

    async def complete(self, analysis: Analysis, attempt: int) -> bool:
        values = to_row(analysis)
        for key in ("id", "user_id", "source", "created_at", "image_ref", "attempts"):
            values.pop(key)
        async with self._db.engine.begin() as conn:
            res = await conn.execute(update(_t).where(self._held(analysis.id, attempt))
                                     .values(**values))
            if res.rowcount != 1:
                return False
            await self._count(conn, analysis.user_id, 1)
        return True

    async def fail(self, analysis: Analysis, attempt: int | None) -> bool:
        where = (self._held(analysis.id, attempt) if attempt is not None
                 else and_(_t.c.id == analysis.id, _t.c.status.in_([PENDING, PROCESSING])))
        async with self._db.engine.begin() as conn:
            res = await conn.execute(update(_t).where(where).values(
                status=FAILED, error=analysis.error, completed_at=analysis.completed_at,
                lease_until=None))
        return res.rowcount == 1

    async def correct(self, user_id: UUID, analysis_id: UUID, foods: tuple[FoodItem, ...],
                      nutrition: Nutrients, nutrition_source: str | None) -> Analysis | None:
        current = await self.get(analysis_id, user_id)
        if current is None or current.status is not AnalysisStatus.COMPLETED:
            return None
        updated = current.corrected_with(foods, nutrition, nutrition_source)
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t).where(_t.c.id == analysis_id, _t.c.user_id == user_id,
                                 _t.c.status == COMPLETED)
                .values(detected_foods=foods_to_json(updated.foods),
                        food_names=updated.food_names,
                        nutrition=nutrients_to_json(updated.nutrition),
                        calories=updated.calories, corrected=True,
                        models=models_to_json(updated.models)))
        return updated if res.rowcount == 1 else None

    async def delete(self, user_id: UUID, analysis_id: UUID) -> Analysis | None:
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(
                delete(_t).where(_t.c.id == analysis_id, _t.c.user_id == user_id)
                .returning(*_t.c))).first()
            if row is None:
                return None
            if row.status == COMPLETED:
                await self._count(conn, user_id, -1)
        return from_row(row)

    # -- reads -------------------------------------------------------------------------

    async def get(self, analysis_id: UUID, user_id: UUID | None = None) -> Analysis | None:
        stmt = select(_t).where(_t.c.id == analysis_id)
        if user_id is not None:
            stmt = stmt.where(_t.c.user_id == user_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return from_row(row) if row is not None else None

    def _filters(self, query: HistoryQuery) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = [_t.c.user_id == query.user_id,
                                            _t.c.status == COMPLETED]
        if f.food_key is not None:
            if self._db.is_sqlite:
                names = func.json_each(_t.c.food_names).table_valued("value")
                where.append(exists().select_from(names).where(names.c.value == f.food_key))
            else:
                where.append(type_coerce(_t.c.food_names, JSONB).contains([f.food_key]))
        if f.min_calories is not None:
            where.append(_t.c.calories >= f.min_calories)
        if f.max_calories is not None:
            where.append(_t.c.calories <= f.max_calories)
        if f.created_from is not None:
            where.append(_t.c.created_at >= f.created_from)
        if f.created_before is not None:
            where.append(_t.c.created_at < f.created_before)
        return where

    async def history(self, query: HistoryQuery) -> HistoryPage:
        where = self._filters(query)
        sort_col = _t.c[query.sort.value]
        primary = sort_col.desc() if query.descending else sort_col.asc()
        if query.sort.value != "created_at":
            order = [primary.nulls_last(), _t.c.created_at.desc(), _t.c.id.desc()]
        else:
            order = [primary, _t.c.id.desc() if query.descending else _t.c.id.asc()]
        page = select(*_HISTORY_COLUMNS).where(*where).order_by(*order) \
            .limit(query.per_page).offset(query.offset)
        counted = query.filters.any
        if not counted:  # the total rides along with the page: one round trip
            total_col = (select(_counters.c.value)
                         .where(_counters.c.user_id == query.user_id,
                                _counters.c.name == HISTORY_COUNTER)
                         .scalar_subquery().label("history_total"))
            page = page.add_columns(total_col)
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(page)).all()
            if counted:
                total = (await conn.execute(
                    select(func.count()).select_from(_t).where(*where))).scalar_one()
            elif rows:
                total = rows[0].history_total or 0
            else:
                total = (await conn.execute(
                    select(_counters.c.value).where(
                        _counters.c.user_id == query.user_id,
                        _counters.c.name == HISTORY_COUNTER))).scalar() or 0
        return HistoryPage([from_history_row(r, query.user_id) for r in rows], int(total))

    async def unfinished(self, now: datetime, pending_before: datetime, limit: int
                         ) -> list[UUID]:
        stmt = (select(_t.c.id)
                .where(or_(and_(_t.c.status == PROCESSING, _t.c.lease_until <= now),
                           and_(_t.c.status == PENDING, _t.c.created_at < pending_before)))
                .limit(limit))
        async with self._db.engine.connect() as conn:
            return [r.id for r in await conn.execute(stmt)]


__all__ = ["SqlAnalysisRepository"]
