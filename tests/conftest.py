from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from adapters.clock import ManualClock
from adapters.sql.database import Database
from adapters.sql.migrate import upgrade_to_head
from entrypoints.settings import Settings
from tests.support.app import Api, api_client, embedded_settings, production_settings
from tests.support.s3 import S3Endpoint, s3_server
from tests.support.services import (
    MongoPeer,
    check_redis,
    create_postgres_database,
    drop_postgres_database,
    sqlalchemy_pg_url,
)
from tests.support.usda import import_usda_if_incomplete


def _in_fresh_loop(fn, *args):
    """Run a coroutine function to completion on its own loop in a helper thread, so
    session fixtures can be sync (and set up from anywhere) yet use async drivers."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(fn(*args))).result()


def _migrated_postgres_database() -> Iterator[str]:
    """Create a PostgreSQL database, migrate it, yield its SQLAlchemy URL, drop it."""
    dsn = _in_fresh_loop(create_postgres_database)
    url = sqlalchemy_pg_url(dsn)
    upgrade_to_head(url)
    yield url
    _in_fresh_loop(drop_postgres_database, dsn)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a migrated, per-session PostgreSQL database."""
    yield from _migrated_postgres_database()


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A migrated database of its own, for tests that fill whole catalogues."""
    yield from _migrated_postgres_database()


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _in_fresh_loop(check_redis)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    """A real S3 wire server (moto) for the session; each test makes its own bucket."""
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    peer = MongoPeer()
    yield peer.start()
    peer.stop()


@pytest.fixture
async def mongo_db(mongo_uri: str) -> AsyncIterator[AsyncDatabase]:
    """A database of its own on the suite's MongoDB peer (tz-aware client), dropped after."""
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, tz_aware=True)
    db = client[f"psi_test_{uuid.uuid4().hex[:8]}"]
    yield db
    await client.drop_database(db.name)
    await client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'psi.db'}"
    upgrade_to_head(url)
    return url


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    db = Database(sqlite_url)
    yield db
    await db.dispose()


@pytest.fixture
async def postgres_db(postgres_url: str) -> AsyncIterator[Database]:
    db = Database(postgres_url)
    yield db
    await db.dispose()


@pytest.fixture
async def redis_client(redis_url: str):
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def redis_cluster_nodes() -> Iterator[list[str]]:
    """host:port of each node of a Redis Cluster (three primaries, a replica each)."""
    from tests.support.redis_topologies import CLUSTER_NODES, LocalCluster

    if CLUSTER_NODES:
        yield [n.strip() for n in CLUSTER_NODES.split(",") if n.strip()]
        return
    cluster = LocalCluster()
    try:
        ports = cluster.start()
        yield [f"127.0.0.1:{p}" for p in ports]
    finally:
        cluster.stop()


@pytest.fixture
async def redis_cluster_client(redis_cluster_nodes: list[str]):
    from adapters.redis.connect import RedisTopology, connect

    client = connect(
        RedisTopology(f"redis://{redis_cluster_nodes[0]}", "cluster", tuple(redis_cluster_nodes))
    )
    yield client
    await client.aclose()


@pytest.fixture
async def fresh_postgres_db(fresh_postgres_url: str) -> AsyncIterator[Database]:
    db = Database(fresh_postgres_url)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=["embedded", "production"])
def profile(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(profile: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings of the embedded (SQLite) or production (Postgres + Redis) profile."""
    if profile == "embedded":
        return embedded_settings(tmp_path)
    return production_settings(
        tmp_path, request.getfixturevalue("postgres_url"), request.getfixturevalue("redis_url")
    )


@pytest.fixture
async def client(settings: Settings, clock: ManualClock):
    """The real app over ASGI."""
    async with api_client(settings, clock) as c:
        yield c


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def usda_databases() -> set[str]:
    """The production-profile databases the USDA foods were imported into this session."""
    return set()


@pytest.fixture
async def usda_catalogue(settings: Settings, usda_databases: set[str]) -> None:
    """The app under test knows the packaged USDA foods ("banana", "apple"). A test that
    names a food asks for this: in production the foods are imported into the session's
    database the first time (about 4 s), as an operator would; the embedded profile fills
    its own store on first use."""
    if settings.is_production and settings.sql_url not in usda_databases:
        await import_usda_if_incomplete(settings.sql_url)
        usda_databases.add(settings.sql_url)
