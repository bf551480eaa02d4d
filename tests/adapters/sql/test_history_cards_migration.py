"""Migration `0015_history_cards`: entries stored before cards (or with a card of an older
rendering) get theirs, on Postgres and SQLite, once; the list then reads cards alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import msgspec
import pytest
from alembic import command
from sqlalchemy import text

from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from adapters.sql.food_rows import to_row
from adapters.sql.history_cards_backfill import CURRENT_RENDERING, backfill_history_cards
from adapters.sql.migrate import alembic_config
from adapters.sql.models import FoodHistoryRow, UserCounterRow
from application.food.history_view import AnalysisOut, history_card
from domain.food.analysis import Analysis
from domain.food.history import HistoryFilters, HistoryQuery
from tests.contract.test_food_history import LEASE, T0, Users, manual, result
from tests.support.services import (
    create_postgres_database,
    drop_postgres_database,
    sqlalchemy_pg_url,
)

pytestmark = pytest.mark.asyncio
BEFORE = "0014_accounts"


async def database_at(engine: str, tmp_path: Path, revision: str) -> AsyncIterator[str]:
    """An empty SQLite or Postgres database migrated up to `revision`; dropped after."""
    dsn = None
    if engine == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    else:
        dsn = await create_postgres_database()
        url = sqlalchemy_pg_url(dsn)
    await migrate(url, revision)
    yield url
    if dsn is not None:
        await drop_postgres_database(dsn)


@pytest.fixture(params=["sqlite", "postgres"])
async def url_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database migrated up to the revision before cards were required."""
    async for url in database_at(request.param, tmp_path, BEFORE):
        yield url


async def migrate(url: str, revision: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def seed_old_rows(db: Database) -> tuple[UUID, Analysis]:
    """A user's entries as 0014 code left them: a photo analysis and a manual entry with
    no card, one whose card is of another rendering, one with a current card, and a
    pending analysis (no history, no card)."""
    user = await Users(db).new()
    odd = T0 + timedelta(microseconds=654_321)
    photo = Analysis.from_photo(uuid4(), user, f"{user}/{'a' * 32}.jpg", odd).claimed(odd, LEASE)
    done = photo.completed(result("apple", "Hot Dogs"), odd + timedelta(seconds=2))
    bare = manual(user, "banana", 107.0, T0 + timedelta(hours=1))
    stale = manual(user, "rice", None, T0 + timedelta(hours=2))
    current = manual(user, "kiwi", 42.0, T0 + timedelta(hours=3))
    pending = Analysis.from_photo(uuid4(), user, f"{user}/{'b' * 32}.jpg", T0)
    rows = [
        {**to_row(done), "card": None},
        {**to_row(bare), "card": None},
        {**to_row(stale), "card": "stale"},
        {**to_row(current), "card": history_card(current)},
        {**to_row(pending), "card": None},
    ]
    async with db.engine.begin() as conn:
        await conn.execute(FoodHistoryRow.__table__.insert(), rows)
        versions = text("UPDATE food_history SET card_version = :version WHERE card = :card")
        await conn.execute(versions, {"version": "0123456789abcdef", "card": "stale"})
        await conn.execute(versions, {"version": CURRENT_RENDERING, "card": history_card(current)})
        await conn.execute(
            UserCounterRow.__table__.insert().values(user_id=user, name="food_history", value=4)
        )
    return user, done


async def test_old_entries_are_listed_from_their_new_cards(url_at_0014):
    db = Database(url_at_0014)
    try:
        user, photo = await seed_old_rows(db)
    finally:
        await db.dispose()
    await migrate(url_at_0014, "head")

    db = Database(url_at_0014)
    try:
        store = SqlAnalysisRepository(db)
        for query in (
            HistoryQuery(user),  # on Postgres: the pooled driver connection
            HistoryQuery(user, per_page=2, page=2, descending=False),
            HistoryQuery(user, filters=HistoryFilters(food="hot dog")),
        ):
            cards, entries = await store.page(query), await store.history(query)
            assert cards.total == entries.total
            assert [msgspec.json.encode(msgspec.Raw(c)) for c in cards.cards] == [
                msgspec.json.encode(AnalysisOut.of(a)) for a in entries.items
            ]
        listed = (await store.page(HistoryQuery(user))).cards
        assert len(listed) == 4 and "stale" not in listed
        shown = msgspec.json.decode(listed[-1])
        assert shown["id"] == str(photo.id) and shown["created_at"] == "2026-03-01T12:00:00Z"
        assert shown["image_url"] == f"/api/v1/food/analysis/{photo.id}/image"
        async with db.engine.connect() as conn:
            columns = await conn.run_sync(
                lambda sync: [c["name"] for c in _columns(sync, "food_history")]
            )
        assert "card" in columns
    finally:
        await db.dispose()


async def test_the_backfill_renders_each_missing_or_stale_card_once(url_at_0014):
    db = Database(url_at_0014)
    try:
        await seed_old_rows(db)
        async with db.engine.begin() as conn:
            first = await conn.run_sync(backfill_history_cards)
        async with db.engine.begin() as conn:
            again = await conn.run_sync(backfill_history_cards)
            cards = (
                await conn.execute(text("SELECT card FROM food_history WHERE status = 'pending'"))
            ).scalars()
            assert list(cards) == [None]  # a pending analysis gets no card
        assert (first, again) == (3, 0)  # the photo, the bare and the stale entry
    finally:
        await db.dispose()
    await migrate(url_at_0014, "head")  # nothing left to render


def _columns(conn, table: str) -> list[dict]:
    from sqlalchemy import inspect

    return inspect(conn).get_columns(table)
