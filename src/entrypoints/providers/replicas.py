"""Read replicas (`PSI_DATABASE_REPLICA_URLS`): the `ReadRouting` of read-only use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.sql.database import Database
from adapters.sql.recent_writers import InProcessRecentWriters, RecentWriters, RedisRecentWriters
from adapters.sql.replicas import ReplicaReads
from application.ports.reads import PRIMARY_READS, ReadRouting
from entrypoints.providers.infrastructure import Stores
from entrypoints.settings import Settings


class ReplicaProvider(Provider):
    scope = Scope.APP

    @provide
    async def read_routing(
        self, s: Settings, primary: Database, stores: Stores
    ) -> AsyncIterator[ReadRouting]:
        if not s.database_replica_urls:
            yield PRIMARY_READS
            return
        writers: RecentWriters = (
            RedisRecentWriters(stores.redis, s.redis_prefix, s.database_replica_sticky_s)
            if stores.redis is not None
            else InProcessRecentWriters(s.database_replica_sticky_s)
        )
        replicas = [
            Database(
                url,
                pool_size=s.db_pool_size,
                statement_timeout_ms=s.db_statement_timeout_ms,
                connect_timeout_s=s.dependency_timeout_s,
            )
            for url in s.database_replica_urls
        ]
        routing = ReplicaReads(primary, replicas, writers)
        yield routing
        await routing.dispose()
