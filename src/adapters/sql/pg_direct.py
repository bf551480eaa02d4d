"""The pooled asyncpg connection itself, for hot paths on Postgres.

SQLAlchemy Core costs a few hundred microseconds of Python per statement (cache key,
parameter and result processing) and the asyncpg dialect wraps even a read in
BEGIN ... ROLLBACK: two extra round trips. A path that runs per request or per batch
can instead borrow the connection from the same pool and run prepared statements
(asyncpg caches them per connection). Outside a transaction each statement commits on
its own, so a write that must be atomic is one statement or an explicit
`conn.transaction()`.

The connection comes from `db.engine`'s pool, with the codecs SQLAlchemy set up on it
(jsonb in as JSON text, out as Python objects) and the pool's timeouts. It goes back to
the pool only in a known state: after a statement the server refused it is fine; cut
off mid-statement (cancelled, timed out, the link broken) or left inside a transaction,
it is discarded instead.

Borrowers queue for the pool first come first served (`Database.turn`): the pool's own
queue lets a newcomer take a connection handed back while others wait, and a waiter
passed over goes to the back; with more requests than connections (64 on a pool of 10)
that starved some of them for seconds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy.util import greenlet_spawn

from adapters.sql.database import Database


def std_uuid(value: Any) -> UUID:
    """asyncpg's own UUID type as the standard one (it compares, hashes and encodes
    differently)."""
    return value if type(value) is UUID else UUID(bytes=value.bytes)


@asynccontextmanager
async def pg_connection(db: Database) -> AsyncIterator[Any]:
    """An `asyncpg.Connection` from the engine's pool (Postgres only), for one use."""
    async with db.turn():
        raw = await db.engine.raw_connection()
        driver: Any = raw.driver_connection
        healthy = False
        try:
            yield driver
            healthy = True
        except asyncpg.PostgresError:  # the server refused a statement; the link is fine
            healthy = True
            raise
        finally:
            # Back to the pool (no transaction of SQLAlchemy's to roll back), or discarded.
            # Both may await the driver: inside SQLAlchemy's greenlet bridge.
            keep = healthy and not driver.is_in_transaction()
            await greenlet_spawn(raw.close if keep else raw.invalidate)
