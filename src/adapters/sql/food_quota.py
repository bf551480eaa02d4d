"""`AnalysisQuota` on SQL: one `user_counters` row per user and UTC day, taken with a
conditional update (`value < limit`), which row locking makes atomic on Postgres and
the single writer makes atomic on SQLite."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select, update

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import UserCounterRow
from domain.food.quota import QuotaWindow

_c = UserCounterRow.__table__
PREFIX = "food_quota:"


def counter_name(window: QuotaWindow) -> str:
    return f"{PREFIX}{window.key}"


@translates_failures(DATABASE)
class SqlAnalysisQuota:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def consume(self, user_id: UUID, window: QuotaWindow, limit: int) -> tuple[bool, int]:
        name = counter_name(window)
        insert = self._db.insert
        mine = (_c.c.user_id == user_id, _c.c.name == name)
        async with self._db.engine.begin() as conn:
            created = await conn.execute(
                insert(_c).values(user_id=user_id, name=name, value=0).on_conflict_do_nothing()
            )
            if created.rowcount == 1:  # first of the day: yesterday's rows are done with
                await conn.execute(
                    delete(_c).where(
                        _c.c.user_id == user_id, _c.c.name.like(f"{PREFIX}%"), _c.c.name != name
                    )
                )
            taken = await conn.execute(
                update(_c).where(*mine, _c.c.value < limit).values(value=_c.c.value + 1)
            )
            used = (await conn.execute(select(_c.c.value).where(*mine))).scalar_one()
        return taken.rowcount == 1, int(used)

    async def refund(self, user_id: UUID, window: QuotaWindow) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(_c)
                .where(_c.c.user_id == user_id, _c.c.name == counter_name(window), _c.c.value > 0)
                .values(value=_c.c.value - 1)
            )

    async def used(self, user_id: UUID, window: QuotaWindow) -> int:
        async with self._db.engine.connect() as conn:
            value = (
                await conn.execute(
                    select(_c.c.value).where(
                        _c.c.user_id == user_id, _c.c.name == counter_name(window)
                    )
                )
            ).scalar()
        return int(value or 0)
