"""Process-wide resources every profile has: settings, the clock, the SQL database and
the readiness probes.

The profile is decided by which store providers the composition root adds
(`store_providers`): none is the embedded profile (SQL for everything, queues in
process); `RedisStoresProvider` and `MongoStoresProvider` add the production stores
(`S3ImagesProvider` the bucket of PSI_IMAGE_STORE=s3). A
feature provider names its embedded adapter with a plain `@provide` and its production
one with `@provide(when=Has(Redis))` or `when=Has(AsyncDatabase)`, so no factory asks
whether a store is there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from dishka import Provider, Scope, collect, provide

from adapters.clock import SystemClock
from adapters.redis.connect import RedisTopology, SentinelAccess
from adapters.sql.database import Database
from application.ports.clock import Clock
from entrypoints.readiness import Readiness
from entrypoints.settings import Settings


@dataclass(frozen=True, slots=True)
class ReadinessProbe:
    """One store's ping for /ready; each store provider contributes its own."""

    name: str
    ping: Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class ReadinessAdvisory:
    """A store's check whose finding /ready names in `data.warnings` without taking the
    process out of rotation (`Readiness.advise`)."""

    name: str
    check: Callable[[], Awaitable[str | None]]


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
        SentinelAccess(s.redis_sentinel_username, s.redis_sentinel_password, s.redis_sentinel_tls),
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
    def database_probe(self, db: Database) -> ReadinessProbe:
        return ReadinessProbe("database", db.ping)

    probes = collect(ReadinessProbe)
    advisories = collect(ReadinessAdvisory)

    @provide
    def readiness(
        self, probes: list[ReadinessProbe], advisories: list[ReadinessAdvisory]
    ) -> Readiness:
        readiness = Readiness(self._settings.dependency_timeout_s)
        for probe in probes:
            readiness.add(probe.name, probe.ping)
        for advisory in advisories:
            readiness.advise(advisory.name, advisory.check)
        return readiness


def store_providers(settings: Settings) -> list[Provider]:
    """The production stores the settings configure (none: the embedded profile), and the
    few adapter overrides that cannot be `when=` factories; added after the feature
    providers, so that those overrides win."""
    from entrypoints.providers.identity import CachedUsersProvider
    from entrypoints.providers.mongo_stores import MongoStoresProvider
    from entrypoints.providers.redis_stores import RedisStoresProvider

    found: list[Provider] = []
    topology = redis_topology(settings)
    if topology is not None:
        found += [RedisStoresProvider(topology), CachedUsersProvider()]
    if settings.mongodb_uri:
        found.append(MongoStoresProvider(settings.mongodb_uri))
    if settings.image_store == "s3":
        from entrypoints.providers.s3_images import S3ImagesProvider

        found.append(S3ImagesProvider())
    return found
