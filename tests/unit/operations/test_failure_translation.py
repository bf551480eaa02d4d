"""Adapters translate their drivers' failures: a store that cannot serve becomes
`DependencyUnavailable(<store>)` at the adapter boundary (adapters/failures.py), so
the HTTP layer answers 503 PSI-SYS-5003 without knowing any driver; anything else
passes through unchanged. The real failures here are real clients against a database
that refuses connections (SQLSTATE 55000), closed ports and an unusable disk."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from pathlib import Path

import asyncpg
import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import (
    DuplicateKeyError,
    NetworkTimeout,
    OperationFailure,
    ServerSelectionTimeoutError,
    _OperationCancelled,
)
from redis import exceptions as redis_errors
from redis.asyncio import Redis
from sqlalchemy import exc as sa

import adapters
from adapters.failures import Dependency, translates_failures
from adapters.images.filesystem_store import FilesystemImageStore
from adapters.mongo.failures import mongo_unavailable
from adapters.mongo.preferences import MongoPreferencesStore
from adapters.redis.failures import redis_unavailable
from adapters.redis.sessions import RedisSessionStore
from adapters.sql.database import Database
from adapters.sql.failures import sql_unavailable
from adapters.sql.users import SqlUserRepository
from domain.errors import DependencyUnavailable, NotFound
from domain.food.vision import SanitisedImage
from tests.support.services import (
    POSTGRES_ADMIN_URL,
    asyncpg_dsn,
    free_port,
    sqlalchemy_pg_url,
    unavailable,
    with_database,
)


def _wrapped(orig: BaseException) -> sa.DBAPIError:
    """SQLAlchemy's wrapper around a driver error, as the asyncpg dialect raises it."""
    return sa.DBAPIError.instance("SELECT 1", {}, orig, Exception)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.exceptions.ObjectNotInPrerequisiteStateError("not accepting connections"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),  # 57P01
        asyncpg.exceptions.CannotConnectNowError("starting up"),  # 57P03
        asyncpg.exceptions.TooManyConnectionsError("too many"),  # 53300
        asyncpg.exceptions.QueryCanceledError("statement timeout"),  # 57014
        asyncpg.exceptions.InvalidCatalogNameError("no such database"),  # 3D000
        asyncpg.exceptions.ConnectionDoesNotExistError("closed"),  # 08003
        asyncpg.exceptions.SerializationError("retry"),  # 40001
        asyncpg.exceptions.ReadOnlySQLTransactionError("standby"),  # 25006
        asyncpg.exceptions.InterfaceError("cannot perform operation: connection is closed"),
        _wrapped(asyncpg.exceptions.ObjectNotInPrerequisiteStateError("x")),
        _wrapped(asyncpg.exceptions.AdminShutdownError("x")),
        sa.TimeoutError("pool"),
        sa.DisconnectionError("gone"),
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
        OSError(113, "no route"),
    ],
)
def test_database_unavailability(exc):
    assert sql_unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate"),
        asyncpg.exceptions.CharacterNotInRepertoireError("NUL"),
        asyncpg.exceptions.UndefinedTableError("no table"),
        _wrapped(asyncpg.exceptions.UniqueViolationError("duplicate")),
        asyncpg.exceptions.InterfaceError("another operation is in progress"),
        KeyError("x"),
        ValueError("x"),
    ],
)
def test_database_errors_of_the_caller_pass_through(exc):
    assert not sql_unavailable(exc)


def test_sqlite_busy_and_unopenable_files_are_unavailability():
    import sqlite3

    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorname = "SQLITE_IOERR_WRITE"
    bug = sqlite3.OperationalError("no such table: x")
    bug.sqlite_errorname = "SQLITE_ERROR"
    assert sql_unavailable(_wrapped(busy)) and sql_unavailable(_wrapped(io_error))
    assert not sql_unavailable(_wrapped(bug))


@pytest.mark.parametrize(
    "exc, expected",
    [
        (redis_errors.ConnectionError("refused"), True),
        (redis_errors.TimeoutError("timeout"), True),
        (redis_errors.BusyLoadingError("loading"), True),
        (redis_errors.ReadOnlyError("replica"), True),
        (ConnectionError("lane lost"), True),
        (redis_errors.ResponseError("WRONGTYPE"), False),
        (redis_errors.NoScriptError("NOSCRIPT"), False),
    ],
)
def test_redis_unavailability(exc, expected):
    assert redis_unavailable(exc) is expected


@pytest.mark.parametrize(
    "exc, expected",
    [
        (NetworkTimeout("timed out"), True),
        (_OperationCancelled("operation cancelled"), True),  # a private subclass
        (ServerSelectionTimeoutError("no server"), True),
        (
            OperationFailure(
                "stepping down", code=189, details={"errorLabels": ["RetryableWriteError"]}
            ),
            True,
        ),
        (OperationFailure("bad query", code=2), False),
        (DuplicateKeyError("duplicate", code=11000), False),
    ],
)
def test_mongodb_unavailability(exc, expected):
    assert mongo_unavailable(exc) is expected


# --- the decorator -----------------------------------------------------------------

FAKE = Dependency("fake", lambda exc: isinstance(exc, ConnectionError))


class _Base:
    async def inherited(self) -> None:
        raise ConnectionError("lost")


@translates_failures(FAKE)
class _Adapter(_Base):
    async def lost(self) -> None:
        raise ConnectionResetError("reset")

    async def bug(self) -> None:
        raise KeyError("x")

    async def domain(self) -> None:
        raise NotFound()

    async def both(self) -> None:
        raise ExceptionGroup("two", [ConnectionError("a"), ConnectionError("b")])

    async def mixed(self) -> None:
        raise ExceptionGroup("two", [ConnectionError("a"), KeyError("b")])

    async def stream(self):
        yield 1
        raise ConnectionError("lost mid-stream")

    async def _private(self) -> None:
        raise ConnectionError("left to the public method that calls it")

    def sync(self) -> int:
        return 7


async def test_public_coroutines_and_generators_translate_unavailability():
    adapter = _Adapter()
    for method in (adapter.lost, adapter.inherited, adapter.both):
        with pytest.raises(DependencyUnavailable) as caught:
            await method()
        assert caught.value.details == {"dependency": "fake", "retryable": True}
        assert isinstance(caught.value.__cause__, ConnectionError | ExceptionGroup)
    items: list[int] = []

    async def drain() -> None:
        async for item in adapter.stream():
            items.append(item)

    with pytest.raises(DependencyUnavailable):
        await drain()
    assert items == [1]


async def test_everything_else_passes_unchanged():
    adapter = _Adapter()
    with pytest.raises(KeyError):
        await adapter.bug()
    with pytest.raises(NotFound):
        await adapter.domain()
    with pytest.raises(ExceptionGroup):
        await adapter.mixed()
    with pytest.raises(ConnectionError):
        await adapter._private()
    assert adapter.sync() == 7


def test_every_store_adapter_translates_its_failures():
    """A new adapter of a store cannot forget the boundary: every class of the store
    packages with a public coroutine method is decorated (helpers below it excepted)."""
    helpers = {
        "Database",
        "RedisLane",
        "ClusterLane",
        "Lane",
        "Once",
        "MemoryImageStore",
        "ImagePersonalData",
        "InProcessQueue",
        "SweeperLoop",
        "FdcApiCatalog",
        # Read replicas: a routing over translated adapters, a protocol, a dict in memory.
        "ReplicaReads",
        "RecentWriters",
        "InProcessRecentWriters",
    }
    missing = []
    for package in ("sql", "redis", "mongo", "queue", "images", "nutrition"):
        pkg = importlib.import_module(f"adapters.{package}")
        for info in pkgutil.iter_modules(pkg.__path__, f"{pkg.__name__}."):
            module = importlib.import_module(info.name)
            for name, cls in vars(module).items():
                if (
                    not inspect.isclass(cls)
                    or cls.__module__ != module.__name__
                    or name.startswith("_")
                    or name in helpers
                ):
                    continue
                public = [
                    m
                    for n, m in vars(cls).items()
                    if not n.startswith("_") and inspect.iscoroutinefunction(m)
                ]
                if public and not hasattr(cls, "__translates_failures__"):
                    missing.append(f"{module.__name__}.{name}")
    assert adapters.__name__ == "adapters"
    assert missing == []


# --- real failures ------------------------------------------------------------------


@pytest.fixture
async def refusing_database():
    """A database that exists and refuses every connection: SQLSTATE 55000."""
    name = f"psi_refusing_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", "PSI_TEST_POSTGRES_URL", exc)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        yield sqlalchemy_pg_url(with_database(asyncpg_dsn(POSTGRES_ADMIN_URL), name))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.close()


async def test_a_database_refusing_connections_is_unavailable(refusing_database):
    db = Database(refusing_database, connect_timeout_s=2)
    try:
        with pytest.raises(DependencyUnavailable) as caught:
            await SqlUserRepository(db).get(uuid.uuid4())
        assert caught.value.details["dependency"] == "database"
        assert isinstance(
            caught.value.__cause__, asyncpg.exceptions.ObjectNotInPrerequisiteStateError
        )
    finally:
        await db.dispose()


async def test_a_closed_port_is_unavailable_for_every_store(tmp_path: Path):
    port = free_port()  # nothing listens there
    db = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/x", connect_timeout_s=2)
    redis = Redis(host="127.0.0.1", port=port, socket_connect_timeout=2)
    mongo = AsyncMongoClient(
        f"mongodb://127.0.0.1:{port}/?directConnection=true", serverSelectionTimeoutMS=300
    )
    try:
        calls = [
            ("database", SqlUserRepository(db).get(uuid.uuid4())),
            ("redis", RedisSessionStore(redis, "t:", 60, 60).ping()),
            ("mongodb", MongoPreferencesStore(mongo["psi"]).get(uuid.uuid4())),
        ]
        for store, call in calls:
            with pytest.raises(DependencyUnavailable) as caught:
                await call
            assert caught.value.details["dependency"] == store
    finally:
        await db.dispose()
        await redis.aclose()
        await mongo.close()


async def test_an_unusable_disk_is_an_unavailable_image_store(tmp_path: Path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")  # the store's root is a file: every write fails
    store = FilesystemImageStore(blocked)
    image = SanitisedImage(data=b"\xff\xd8\xff", media_type="image/jpeg", width=1, height=1)
    with pytest.raises(DependencyUnavailable) as caught:
        await store.put(image, str(uuid.uuid4()))
    assert caught.value.details["dependency"] == "image_store"


# --- the HTTP edge ------------------------------------------------------------------


def test_the_http_layer_answers_translated_failures_and_nothing_else():
    from litestar import Litestar, get
    from litestar.testing import TestClient

    from entrypoints.http.errors import EXCEPTION_HANDLERS

    @get("/unavailable")
    async def unavailable_store() -> None:
        await SqlUserRepository(
            Database(f"postgresql+asyncpg://u@127.0.0.1:{free_port()}/x", connect_timeout_s=1)
        ).get(uuid.uuid4())

    @get("/concurrent")
    async def both_down() -> None:
        raise ExceptionGroup(
            "both", [DependencyUnavailable("redis"), DependencyUnavailable("database")]
        )

    @get("/bug")
    async def bug() -> None:
        raise RuntimeError("user ada@example.com")

    app = Litestar(
        [unavailable_store, both_down, bug],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
    )
    with TestClient(app) as client:
        r = client.get("/unavailable")
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "PSI-SYS-5003"
        assert r.json()["error"]["details"] == {"dependency": "database", "retryable": True}
        r = client.get("/concurrent")
        assert r.status_code == 503 and r.json()["error"]["details"]["dependency"] == "redis"
        r = client.get("/bug")
        assert r.status_code == 500 and "ada@" not in r.text
        assert r.json()["error"]["code"] == "PSI-SYS-5000"
