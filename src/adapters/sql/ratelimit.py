"""GCRA on SQL: the embedded profile's persistent limits (one row per key)."""

from __future__ import annotations

import math
import time
from uuid import UUID

from sqlalchemy import Float, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from adapters.failures import translates_failures
from adapters.sql.base import Base
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from domain.ratelimit import Decision, Quota, gcra


class RateLimitRow(Base):
    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


_rl = RateLimitRow.__table__


@translates_failures(DATABASE)
class SqlRateLimiter:
    def __init__(self, db: Database, clock=time.time) -> None:
        self._db = db
        self._clock = clock

    async def hit(self, key: str, quota: Quota, cost: int = 1) -> Decision:
        now = self._clock()
        step = quota.interval * cost
        greatest = self._db.greatest
        insert = self._db.insert
        stmt = insert(_rl).values(key=key, tat=now + step)
        advanced = greatest(_rl.c.tat, now) + step
        # One statement, so two racing requests can never both take the last token.
        stmt = stmt.on_conflict_do_update(
            index_elements=[_rl.c.key],
            set_={"tat": advanced},
            where=advanced - quota.window_s <= now,
        ).returning(_rl.c.tat)
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
            if row is None:
                current = (
                    await conn.execute(select(_rl.c.tat).where(_rl.c.key == key))
                ).scalar_one()
                return gcra(current, now, quota, cost)[0]
        tat = row.tat
        return Decision(
            True,
            quota.limit,
            max(0, math.floor((now - (tat - quota.window_s)) / quota.interval)),
            tat,
            0.0,
        )

    async def peek(self, key: str, quota: Quota) -> Decision:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(_rl.c.tat).where(_rl.c.key == key))).first()
        return gcra(row.tat if row else None, self._clock(), quota)[0]

    async def forget(self, key: str) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_rl).where(_rl.c.key == key))

    async def forget_user(self, user_id: UUID) -> int:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                delete(_rl).where(_rl.c.key.contains(str(user_id), autoescape=True))
            )
        return max(result.rowcount or 0, 0)
