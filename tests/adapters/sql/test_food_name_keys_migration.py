"""Migration `0016_food_name_keys`: history filter keys stored by the normaliser before the
one singulariser are recomputed, so a `food` filter finds old entries; on Postgres and
SQLite, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from adapters.sql.food_name_keys_backfill import rekey_food_names
from adapters.sql.food_rows import to_row
from adapters.sql.models import FoodHistoryRow, UserCounterRow
from application.food.history_view import history_card
from domain.food.history import HistoryFilters, HistoryQuery
from tests.adapters.sql.test_history_cards_migration import database_at, migrate
from tests.contract.test_food_history import T0, Users, manual

pytestmark = pytest.mark.asyncio
BEFORE = "0015_history_cards"
# What the normaliser before `domain/singular.py` stored for these names.
OLD_KEYS = {"Crème Brûlée": ["cr me br l e"], "kiwis": ["kiwis"], "rice": ["rice"]}


@pytest.fixture(params=["sqlite", "postgres"])
async def url_at_0015(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async for url in database_at(request.param, tmp_path, BEFORE):
        yield url


async def _seed(db: Database):
    user = await Users(db).new()
    entries = [
        manual(user, name, 100.0, T0 + timedelta(hours=i)) for i, name in enumerate(OLD_KEYS)
    ]
    rows = [
        {**to_row(e), "card": history_card(e), "food_names": OLD_KEYS[e.foods[0].food]}
        for e in entries
    ]
    async with db.engine.begin() as conn:
        await conn.execute(FoodHistoryRow.__table__.insert(), rows)
        await conn.execute(
            UserCounterRow.__table__.insert().values(
                user_id=user, name="food_history", value=len(rows)
            )
        )
    return user


async def _found(db: Database, user, food: str) -> int:
    page = await SqlAnalysisRepository(db).page(
        HistoryQuery(user, filters=HistoryFilters(food=food))
    )
    return page.total


async def test_old_keys_are_recomputed_so_the_filter_finds_old_entries(url_at_0015):
    db = Database(url_at_0015)
    try:
        user = await _seed(db)
        assert await _found(db, user, "crème brûlée") == 0  # the stale key misses
        assert await _found(db, user, "kiwi") == 0
    finally:
        await db.dispose()
    await migrate(url_at_0015, "head")
    db = Database(url_at_0015)
    try:
        assert await _found(db, user, "crème brûlée") == 1
        assert await _found(db, user, "creme brulee") == 1
        assert await _found(db, user, "kiwi") == 1
        assert await _found(db, user, "rice") == 1
        async with db.engine.begin() as conn:
            assert await conn.run_sync(rekey_food_names) == 0  # a second run writes nothing
            keys = (await conn.execute(text("SELECT food_names FROM food_history"))).scalars()
            assert len(list(keys)) == len(OLD_KEYS)
    finally:
        await db.dispose()
