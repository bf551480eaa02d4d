"""Redis, in the production profile: the client, the pipelined lane and its readiness
probe. The adapters built on it are chosen in each area's provider
(`@provide(when=Has(Redis))`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from redis.asyncio import Redis

from adapters.redis.connect import RedisTopology, connect, lane_for
from adapters.redis.lane import Lane
from entrypoints.providers.infrastructure import ReadinessProbe
from entrypoints.settings import Settings


class RedisStoresProvider(Provider):
    scope = Scope.APP

    def __init__(self, topology: RedisTopology) -> None:
        super().__init__()
        self._topology = topology

    @provide
    async def redis(self, s: Settings) -> AsyncIterator[Redis]:
        timeout = s.dependency_timeout_s
        # No periodic PING per pooled connection (a clock check on every command): a
        # connection that died while idle fails its next command with ConnectionError,
        # which the client's default retry answers on a fresh connection (the fault
        # tests restart Redis under a running API).
        redis = connect(
            self._topology,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=0,
            retry_on_timeout=False,
        )
        yield redis
        await redis.aclose()

    @provide
    async def lane(self, s: Settings, redis: Redis) -> AsyncIterator[Lane | None]:
        """The pipelined connection for the commands every request sends (None where it
        does not go: TLS, Unix sockets, Sentinel, PSI_REDIS_LANE=false)."""
        lane = lane_for(redis) if s.redis_lane else None
        yield lane
        if lane is not None:
            await lane.aclose()

    @provide
    def probe(self, redis: Redis) -> ReadinessProbe:
        return ReadinessProbe("redis", redis.ping)
