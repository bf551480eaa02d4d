"""Alembic environment: async engines for Postgres (asyncpg) and SQLite (aiosqlite).

The URL comes from the caller (`psi migrate` passes the settings' URL); for the
alembic command line it falls back to PSI_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sql.metadata import metadata

config = context.config
target_metadata = metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or os.environ.get("PSI_DATABASE_URL")
        or "sqlite+aiosqlite:///var/psi.db"
    )


def _include_name(name, type_, parent_names) -> bool:
    # SQLite FTS5 shadow tables are created by the nutrition migration, not by models.
    return not (type_ == "table" and name and name.startswith("nutrition_foods_fts"))


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
