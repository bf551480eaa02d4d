"""Read replicas (`PSI_DATABASE_REPLICA_URLS`): the `ReadRouting` of read-only use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Has, Provider, Scope, provide
from redis.asyncio import Redis

from adapters.redis.lane import Lane
from adapters.sql.database import Database
from adapters.sql.recent_writers import InProcessRecentWriters, RecentWriters, RedisRecentWriters
from adapters.sql.replicas import ReplicaReads
from application.ports.reads import PRIMARY_READS, ReadRouting
from entrypoints.settings import Settings


class ReplicaProvider(Provider):
    scope = Scope.APP

    @provide
    def recent_writers(self, s: Settings) -> RecentWriters:
        return InProcessRecentWriters(s.database_replica_sticky_s)

    @provide(when=Has(Redis))
    def shared_recent_writers(self, s: Settings, redis: Redis, lane: Lane | None) -> RecentWriters:
        # Every API process sees a user's recent write, not only the one that took it.
        return RedisRecentWriters(redis, s.redis_prefix, s.database_replica_sticky_s, lane=lane)

    @provide
    async def read_routing(
        self, s: Settings, primary: Database, writers: RecentWriters
    ) -> AsyncIterator[ReadRouting]:
        if not s.database_replica_urls:
            yield PRIMARY_READS
            return
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
