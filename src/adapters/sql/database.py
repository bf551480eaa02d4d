"""One async engine (one pool) per process, for Postgres (asyncpg) or SQLite (aiosqlite)."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, statement_timeout_ms: int = 5_000,
                 echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine: AsyncEngine = create_async_engine(
                url, echo=echo, connect_args={"timeout": statement_timeout_ms / 1000})
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_async_engine(
                url, echo=echo, pool_size=pool_size, max_overflow=pool_size,
                pool_timeout=statement_timeout_ms / 1000, pool_recycle=1800,
                connect_args={
                    "server_settings": {"statement_timeout": str(statement_timeout_ms),
                                        "application_name": "psi"},
                    "command_timeout": statement_timeout_ms / 1000 + 1,
                    "timeout": 5,
                })

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
