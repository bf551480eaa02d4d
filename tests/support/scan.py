"""Look for any trace of a user id in every store the settings point at."""

from __future__ import annotations

from sqlalchemy import String, cast, or_, select

from adapters.sql.base import Base
from adapters.sql.database import Database
from entrypoints.settings import Settings


async def scan_for_user(settings: Settings, user_id: str) -> list[str]:
    """Names of the places (table.column, collection, key, file) that still mention it."""
    import uuid

    found: list[str] = []
    uid = uuid.UUID(user_id)
    db = Database(settings.sql_url)
    try:
        async with db.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                for column in table.c:
                    if column.type.__class__.__name__ == "GUID":
                        hit = await conn.execute(select(column).where(column == uid).limit(1))
                    elif column.type.__class__.__name__ in ("JSON", "JsonB", "String", "Text"):
                        hit = await conn.execute(
                            select(column)
                            .where(
                                or_(
                                    cast(column, String).contains(user_id),
                                    cast(column, String).contains(uid.hex),
                                )
                            )
                            .limit(1)
                        )
                    else:
                        continue
                    if hit.first():
                        found.append(f"{table.name}.{column.name}")
    finally:
        await db.dispose()
    if settings.redis_url:
        from redis.asyncio import Redis

        r = Redis.from_url(settings.redis_url)
        async for key in r.scan_iter(match=f"{settings.redis_prefix}*{user_id}*"):
            found.append(f"redis:{key!r}")
        await r.aclose()
    if settings.mongodb_uri:
        from pymongo import AsyncMongoClient

        client = AsyncMongoClient(settings.mongodb_uri)
        mdb = client[settings.mongodb_database]
        for name in await mdb.list_collection_names():
            async for doc in mdb[name].find({}):
                if user_id in str(doc):
                    found.append(f"mongo:{name}")
                    break
        await client.close()
    images = settings.images_dir
    if images.exists():
        found += [f"file:{p}" for p in images.rglob("*") if user_id in str(p)]
    return found
