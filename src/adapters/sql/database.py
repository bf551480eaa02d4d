"""One async engine (one pool) per process, for Postgres (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Table, event, func, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class Database:
    """Timeouts bound every wait on Postgres: connecting (`connect_timeout_s`), a free
    pooled connection (the statement timeout), a statement (server-side
    `statement_timeout`, and client-side a second later for a server that stopped
    answering). A pooled connection the server closed (restart, failover, a proxy that
    cut it) is replaced at checkout without a round trip, so the first request after
    the database comes back does not fail on a dead connection.

    Inside `reading_from(replica)` (`adapters.sql.replicas`), `engine` and `turn` are the
    replica's, so the adapters' reads go there without knowing it."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        statement_timeout_ms: int = 5_000,
        connect_timeout_s: float = 5.0,
        echo: bool = False,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._pool_size = pool_size
        self._pool_timeout_s = statement_timeout_ms / 1000
        self._turns: asyncio.Semaphore | None = None  # made in the serving loop, on first use
        self._routed: ContextVar[Database | None] = ContextVar("psi_reads", default=None)
        if self.is_sqlite:
            self._engine: AsyncEngine = create_async_engine(
                url, echo=echo, connect_args={"timeout": statement_timeout_ms / 1000}
            )
            event.listen(self._engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            self._engine = create_async_engine(
                url,
                echo=echo,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_timeout=statement_timeout_ms / 1000,
                pool_recycle=1800,
                connect_args={
                    "server_settings": {
                        "statement_timeout": str(statement_timeout_ms),
                        "application_name": "psi",
                    },
                    "command_timeout": statement_timeout_ms / 1000 + 1,
                    "timeout": connect_timeout_s,
                },
            )
            event.listen(self._engine.sync_engine, "checkout", _replace_closed)

    @property
    def engine(self) -> AsyncEngine:
        replica = self._routed.get()
        return self._engine if replica is None else replica._engine

    @contextmanager
    def reading_from(self, replica: Database) -> Iterator[None]:
        """Statements through this database in the current task go to `replica`."""
        token = self._routed.set(replica)
        try:
            yield
        finally:
            self._routed.reset(token)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of `pool_size` turns, given first come first served, while using a
        pooled connection. Bounded like the pool's own wait, and failing the same way."""
        replica = self._routed.get()
        if replica is not None:
            async with replica.turn():
                yield
            return
        turns = self._turns
        if turns is None:
            turns = self._turns = asyncio.Semaphore(self._pool_size)
        if turns.locked():
            try:
                async with asyncio.timeout(self._pool_timeout_s):
                    await turns.acquire()
            except TimeoutError as exc:
                raise PoolTimeout("no database connection came free in time") from exc
        else:
            await turns.acquire()  # at once
        try:
            yield
        finally:
            turns.release()

    # The few places where the two dialects spell a statement differently, decided once
    # here instead of in every adapter.

    def insert(self, table: Table) -> postgresql.Insert | sqlite.Insert:
        """INSERT with this dialect's ON CONFLICT clauses (`on_conflict_do_*`)."""
        return sqlite.insert(table) if self.is_sqlite else postgresql.insert(table)

    @property
    def greatest(self) -> Any:
        """GREATEST of its arguments (SQLite's scalar `max`)."""
        return func.max if self.is_sqlite else func.greatest

    @property
    def least(self) -> Any:
        """LEAST of its arguments (SQLite's scalar `min`)."""
        return func.min if self.is_sqlite else func.least

    async def ping(self) -> None:
        async with self._engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self._engine.dispose()


def _replace_closed(dbapi_conn, _record, _proxy) -> None:
    """Pessimistic disconnect handling at no cost: asyncpg notices a closed socket by
    itself (`is_closed()` is a local check); DisconnectionError makes the pool connect
    afresh for this checkout."""
    raw = getattr(dbapi_conn, "_connection", None)
    if raw is not None and raw.is_closed():
        raise DisconnectionError("pooled connection was closed by the server")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
