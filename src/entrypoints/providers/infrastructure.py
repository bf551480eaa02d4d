"""Process-wide resources chosen from settings: the SQL database, Redis, MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from dishka import Provider, Scope, provide
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from adapters.clock import SystemClock
from adapters.redis.connect import RedisTopology, connect, lane_for
from adapters.redis.lane import Lane
from adapters.sql.database import Database
from application.ports.clock import Clock
from entrypoints.readiness import Readiness
from entrypoints.settings import Settings


@dataclass(frozen=True, slots=True)
class Stores:
    """Which optional stores this process talks to. `None` means the embedded fallback
    (SQL for documents, SQL for security state, in-process for queues)."""

    redis: Redis | None
    mongo: AsyncDatabase | None
    # The pipelined connection for the commands every request sends (None without
    # Redis, or where it does not go: TLS, Unix sockets, Sentinel, PSI_REDIS_LANE=false).
    lane: Lane | None = None


def redis_topology(s: Settings) -> RedisTopology | None:
    """Where Redis is (PSI_REDIS_URL and PSI_REDIS_MODE's companions), None without it."""
    if s.redis_url is None:
        return None
    return RedisTopology(
        s.redis_url,
        s.redis_mode,
        s.redis_cluster_nodes,
        s.redis_sentinels,
        s.redis_sentinel_master,
    )


class InfrastructureProvider(Provider):
    scope = Scope.APP

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        super().__init__()
        self._settings = settings
        self._clock = clock or SystemClock()

    @provide
    def settings(self) -> Settings:
        return self._settings

    @provide
    def clock(self) -> Clock:
        return self._clock

    @provide
    async def database(self) -> AsyncIterator[Database]:
        s = self._settings
        db = Database(
            s.sql_url,
            pool_size=s.db_pool_size,
            statement_timeout_ms=s.db_statement_timeout_ms,
            connect_timeout_s=s.dependency_timeout_s,
        )
        yield db
        await db.dispose()

    @provide
    async def stores(self) -> AsyncIterator[Stores]:
        s = self._settings
        timeout = s.dependency_timeout_s
        # No periodic PING per pooled connection (a clock check on every command): a
        # connection that died while idle fails its next command with ConnectionError,
        # which the client's default retry answers on a fresh connection (the fault
        # tests restart Redis under a running API).
        topology = redis_topology(s)
        redis = (
            connect(
                topology,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                health_check_interval=0,
                retry_on_timeout=False,
            )
            if topology is not None
            else None
        )
        # timeoutMS bounds each operation end to end, like a SQL statement: server
        # selection (it replaces serverSelectionTimeoutMS then), connecting, the round
        # trip and pymongo's one retry. Without it a hung server held a request for two
        # socket timeouts and more.
        mongo_client = (
            AsyncMongoClient(
                s.mongodb_uri,
                serverSelectionTimeoutMS=int(timeout * 1000),
                connectTimeoutMS=int(timeout * 1000),
                socketTimeoutMS=int(timeout * 5000),
                timeoutMS=s.db_statement_timeout_ms,
                tz_aware=True,
            )
            if s.mongodb_uri
            else None
        )
        mongo = mongo_client[s.mongodb_database] if mongo_client is not None else None
        lane = lane_for(redis) if redis is not None and s.redis_lane else None
        yield Stores(redis=redis, mongo=mongo, lane=lane)
        if lane is not None:
            await lane.aclose()
        if redis is not None:
            await redis.aclose()
        if mongo_client is not None:
            await mongo_client.close()

    @provide
    def readiness(self, db: Database, stores: Stores) -> Readiness:
        readiness = Readiness(self._settings.dependency_timeout_s)
        readiness.add("database", db.ping)
        if stores.redis is not None:
            readiness.add("redis", stores.redis.ping)
        if stores.mongo is not None:
            mongo = stores.mongo
            readiness.add("mongodb", lambda: mongo.command("ping"))
        return readiness
