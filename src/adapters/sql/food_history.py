"""`AnalysisRepository` on SQL (Postgres and SQLite), with SQLAlchemy Core.

The history's `meta.total` comes from `user_counters` (name `food_history`), changed
in the same transaction as every insert, completion and delete of a completed entry,
so an unfiltered page costs one indexed query and no count.

The list endpoint's page (`page`, the cards) is the hot read: its unfiltered statements
are built once per sort, and on Postgres the compiled SQL runs on the engine's pooled
asyncpg connection itself (`pg_direct`: no SQLAlchemy result processing, no
BEGIN/ROLLBACK around a single read), giving back the stored texts as they come. Those
reads queue for the pool's connections first come first served (`Database.turn`).

The same class is the `FoodHistoryView`: every completed entry keeps its card (the
answer the use case rendered when it wrote the entry, `card`, opaque text here), and a
page of the list is those texts, selected as stored. Entries written before cards got
theirs from migration `0015_history_cards`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Row,
    Select,
    Table,
    Text,
    and_,
    bindparam,
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
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.food_rows import (
    foods_from_json,
    from_history_row,
    from_row,
    json_text,
    to_row,
)
from adapters.sql.models import FoodHistoryRow, UserCounterRow
from adapters.sql.pg_direct import pg_connection
from application.ports.food import HistoryCard, HistoryCards
from domain.food.analysis import Analysis, AnalysisStatus, FoodItem
from domain.food.history import HistoryPage, HistoryQuery, HistorySort

_t: Table = FoodHistoryRow.__table__  # type: ignore[assignment]  # declarative: a Table
_counters = UserCounterRow.__table__
HISTORY_COUNTER = "food_history"

# The statements' parameters: the same names in every history statement.
_USER: BindParameter[Any] = bindparam("user_id")
_LIMIT = bindparam("limit", type_=Integer)
_OFFSET = bindparam("offset", type_=Integer)
_PAGE_PARAMS = ("user_id", "limit", "offset")

# What an `Analysis` of a history page needs (`from_history_row`), JSON as text (decoded
# by msgspec, faster than the driver's `json.loads`).
_HISTORY_COLUMNS = (
    _t.c.id,
    _t.c.source,
    _t.c.created_at,
    _t.c.completed_at,
    _t.c.eaten_at,
    cast(_t.c.detected_foods, Text).label("detected_foods"),
    _t.c.description,
    cast(_t.c.nutrition, Text).label("nutrition"),
    _t.c.confidence_score,
    _t.c.analysis_duration_ms,
    cast(_t.c.models, Text).label("models"),
    _t.c.corrected,
    _t.c.image_ref,
    cast(_t.c.review, Text).label("review"),
    _t.c.attempts,
    _t.c.started_at,
)
# ... and what the list endpoint's page is: the cards alone.
_CARD_COLUMNS = (_t.c.card,)
_TOTAL_COLUMN = "history_total"
_TOTAL = select(_counters.c.value).where(
    _counters.c.user_id == _USER, _counters.c.name == HISTORY_COUNTER
)

_IMAGE_OF_ANALYSIS = select(_t.c.image_ref).where(_t.c.id == bindparam("id"), _t.c.user_id == _USER)
_IMAGE_OF_ENTRY = _IMAGE_OF_ANALYSIS.where(_t.c.status == AnalysisStatus.COMPLETED.value)

PENDING = AnalysisStatus.PENDING.value
PROCESSING = AnalysisStatus.PROCESSING.value
COMPLETED = AnalysisStatus.COMPLETED.value
FAILED = AnalysisStatus.FAILED.value


@translates_failures(DATABASE)
class SqlAnalysisRepository:
    """`AnalysisRepository` and `FoodHistoryView` (the list's cards) on one table."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._compiled: dict[Select[Any], _DriverStatement] = {}

    def _driver(self, stmt: Select[Any]) -> _DriverStatement:
        found = self._compiled.get(stmt)
        if found is None:
            found = self._compiled[stmt] = _DriverStatement(self._db, stmt)
        return found

    # -- counters ------------------------------------------------------------------

    async def _count(self, conn: AsyncConnection, user_id: UUID, delta: int) -> None:
        insert = self._db.insert
        stmt = insert(_counters).values(user_id=user_id, name=HISTORY_COUNTER, value=max(delta, 0))
        stmt = stmt.on_conflict_do_update(
            index_elements=[_counters.c.user_id, _counters.c.name],
            set_={"value": _counters.c.value + delta},
        )
        await conn.execute(stmt)

    # -- writes ----------------------------------------------------------------------

    async def add(self, analysis: Analysis, card: HistoryCard | None) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(_t.insert().values(**to_row(analysis), card=_card(analysis, card)))
            if analysis.status is AnalysisStatus.COMPLETED:
                await self._count(conn, analysis.user_id, 1)

    async def claim(
        self, analysis_id: UUID, now: datetime, lease_until: datetime
    ) -> Analysis | None:
        stmt = (
            update(_t)
            .where(
                _t.c.id == analysis_id,
                or_(
                    _t.c.status == PENDING, and_(_t.c.status == PROCESSING, _t.c.lease_until <= now)
                ),
            )
            .values(
                status=PROCESSING,
                attempts=_t.c.attempts + 1,
                started_at=now,
                lease_until=lease_until,
            )
            .returning(*_t.c)
        )
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
        return from_row(row) if row is not None else None

    def _held(self, analysis_id: UUID, attempt: int) -> ColumnElement[bool]:
        return and_(_t.c.id == analysis_id, _t.c.status == PROCESSING, _t.c.attempts == attempt)

    async def renew(self, analysis_id: UUID, attempt: int, lease_until: datetime) -> bool:
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t).where(self._held(analysis_id, attempt)).values(lease_until=lease_until)
            )
        return res.rowcount == 1

    async def release(self, analysis_id: UUID, attempt: int) -> bool:
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t)
                .where(self._held(analysis_id, attempt))
                .values(status=PENDING, lease_until=None)
            )
        return res.rowcount == 1

    async def complete(self, analysis: Analysis, attempt: int, card: HistoryCard) -> bool:
        values = to_row(analysis)
        for key in ("id", "user_id", "source", "created_at", "image_ref", "attempts"):
            values.pop(key)
        values["card"] = _card(analysis, card)
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t).where(self._held(analysis.id, attempt)).values(**values)
            )
            if res.rowcount != 1:
                return False
            await self._count(conn, analysis.user_id, 1)
        return True

    async def fail(self, analysis: Analysis, attempt: int | None) -> bool:
        where = (
            self._held(analysis.id, attempt)
            if attempt is not None
            else and_(_t.c.id == analysis.id, _t.c.status.in_([PENDING, PROCESSING]))
        )
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t)
                .where(where)
                .values(
                    status=FAILED,
                    error=analysis.error,
                    completed_at=analysis.completed_at,
                    lease_until=None,
                )
            )
        return res.rowcount == 1

    async def correct(self, updated: Analysis, card: HistoryCard) -> bool:
        row = to_row(updated)
        changed = ("detected_foods", "food_names", "nutrition", "calories", "corrected")
        async with self._db.engine.begin() as conn:
            res = await conn.execute(
                update(_t)
                .where(
                    _t.c.id == updated.id,
                    _t.c.user_id == updated.user_id,
                    _t.c.status == COMPLETED,
                )
                .values(
                    **{key: row[key] for key in (*changed, "models", "review")},
                    card=_card(updated, card),
                )
            )
        return res.rowcount == 1

    async def delete(self, user_id: UUID, analysis_id: UUID) -> Analysis | None:
        async with self._db.engine.begin() as conn:
            row = (
                await conn.execute(
                    delete(_t)
                    .where(_t.c.id == analysis_id, _t.c.user_id == user_id)
                    .returning(*_t.c)
                )
            ).first()
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

    async def recent_foods(self, user_id: UUID, limit: int) -> list[tuple[FoodItem, ...]]:
        stmt = (
            select(cast(_t.c.detected_foods, Text))
            .where(_t.c.user_id == user_id, _t.c.status == COMPLETED)
            .order_by(_t.c.created_at.desc(), _t.c.id.desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [foods_from_json(json_text(r[0])) for r in rows]

    async def image_ref(self, analysis_id: UUID, user_id: UUID, completed_only: bool) -> str | None:
        """Served per image fetch: on Postgres, the compiled statement on the pool's
        asyncpg connection (as `page`)."""
        stmt = _IMAGE_OF_ENTRY if completed_only else _IMAGE_OF_ANALYSIS
        values = {"id": analysis_id, "user_id": user_id}
        if not self._db.is_sqlite:
            compiled = self._driver(stmt)
            async with pg_connection(self._db) as conn:
                return await conn.fetchval(compiled.sql, *compiled.args(values))
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt, values)).scalar()

    def _filters(self, query: HistoryQuery) -> list[ColumnElement[bool]]:
        f = query.filters
        where: list[ColumnElement[bool]] = [_t.c.user_id == _USER, _t.c.status == COMPLETED]
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

    def _page_params(self, query: HistoryQuery) -> dict[str, object]:
        """The values of `_PAGE_PARAMS`, for every history page statement."""
        return {
            "user_id": query.user_id,
            "limit": query.per_page,
            "offset": query.offset,
        }

    async def _page_rows(self, query: HistoryQuery, cards: bool) -> tuple[Sequence[Row[Any]], int]:
        """The page's rows (`_CARD_COLUMNS` or `_HISTORY_COLUMNS` first) and the total,
        through SQLAlchemy Core."""
        params = self._page_params(query)
        counted = query.filters.any
        if counted:
            where = self._filters(query)
            page = _page_select(cards, query.sort, query.descending, where)
        else:  # the total rides along with the page: one round trip
            page = _unfiltered_page(cards, query.sort, query.descending)
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(page, params)).all()
            if counted:
                total = (
                    await conn.execute(
                        select(func.count()).select_from(_t).where(*where),
                        {"user_id": query.user_id},
                    )
                ).scalar_one()
            elif rows:
                total = rows[0][-1] or 0
            else:
                total = (await conn.execute(_TOTAL, {"user_id": query.user_id})).scalar() or 0
        return rows, int(total)

    async def history(self, query: HistoryQuery) -> HistoryPage:
        rows, total = await self._page_rows(query, cards=False)
        return HistoryPage([from_history_row(r, query.user_id) for r in rows], total)

    async def page(self, query: HistoryQuery) -> HistoryCards:
        """`FoodHistoryView`: one statement (and a count when filtered), the stored texts
        as they come back."""
        if not self._db.is_sqlite and not query.filters.any:
            return await self._cards_on_driver(query)
        rows, total = await self._page_rows(query, cards=True)
        return HistoryCards([r[0] for r in rows], total)

    async def _cards_on_driver(self, query: HistoryQuery) -> HistoryCards:
        """An unfiltered page on Postgres: the statement `_unfiltered_page` builds, compiled
        once, run with asyncpg on a connection of the engine's pool. One statement, so no
        transaction is opened around it."""
        page = self._driver(_unfiltered_page(True, query.sort, query.descending))
        values = self._page_params(query)
        async with pg_connection(self._db) as conn:
            rows = await conn.fetch(page.sql, *page.args(values))
            if rows:
                total = rows[0][1] or 0
            else:
                count = self._driver(_TOTAL)
                total = await conn.fetchval(count.sql, *count.args(values)) or 0
        return HistoryCards([r[0] for r in rows], int(total))

    async def unfinished(self, now: datetime, pending_before: datetime, limit: int) -> list[UUID]:
        stmt = (
            select(_t.c.id)
            .where(
                or_(
                    and_(_t.c.status == PROCESSING, _t.c.lease_until <= now),
                    and_(_t.c.status == PENDING, _t.c.created_at < pending_before),
                )
            )
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [r.id for r in await conn.execute(stmt)]


def _order(sort: HistorySort, descending: bool) -> list[Any]:
    sort_col = _t.c[sort.value]
    primary = sort_col.desc() if descending else sort_col.asc()
    if sort is not HistorySort.CREATED_AT:
        return [primary.nulls_last(), _t.c.created_at.desc(), _t.c.id.desc()]
    return [primary, _t.c.id.desc() if descending else _t.c.id.asc()]


def _card(entry: Analysis, card: HistoryCard | None) -> HistoryCard | None:
    """Every completed entry is written with its card (the list reads nothing else)."""
    if entry.status is AnalysisStatus.COMPLETED and card is None:
        raise ValueError(f"completed entry {entry.id} written without its card")
    return card


def _page_select(
    cards: bool, sort: HistorySort, descending: bool, where: list[ColumnElement[bool]]
) -> Select[Any]:
    return (
        select(*(_CARD_COLUMNS if cards else _HISTORY_COLUMNS))
        .where(*where)
        .order_by(*_order(sort, descending))
        .limit(_LIMIT)
        .offset(_OFFSET)
    )


_UNFILTERED: dict[tuple[bool, HistorySort, bool], Select[Any]] = {}


def _unfiltered_page(cards: bool, sort: HistorySort, descending: bool) -> Select[Any]:
    """An unfiltered page with the user's total as its last column, built once per shape
    (so its SQLAlchemy cache key is computed once, too)."""
    key = (cards, sort, descending)
    stmt = _UNFILTERED.get(key)
    if stmt is None:
        where = [_t.c.user_id == _USER, _t.c.status == COMPLETED]
        stmt = _page_select(cards, sort, descending, where).add_columns(
            _TOTAL.scalar_subquery().label(_TOTAL_COLUMN)
        )
        _UNFILTERED[key] = stmt
    return stmt


class _DriverStatement:
    """A Core statement compiled for the engine's dialect (asyncpg: `$n` placeholders),
    and the order of its parameters: named ones from the call, the rest its literals."""

    __slots__ = ("literals", "names", "sql")

    def __init__(self, db: Database, stmt: Select[Any]) -> None:
        compiled = stmt.compile(dialect=db.engine.dialect)
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup or ())
        self.literals = compiled.construct_params(dict.fromkeys(_PAGE_PARAMS), _check=False)

    def args(self, values: dict[str, object]) -> list[object]:
        return [values[n] if n in values else self.literals[n] for n in self.names]


__all__ = ["SqlAnalysisRepository"]
