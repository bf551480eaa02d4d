"""`RecentWriters` contract (read your writes with replicas), in process and in Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.sql.recent_writers import (
    InProcessRecentWriters,
    RecentWriters,
    RedisRecentWriters,
)

WINDOW_S = 0.4


@pytest.fixture(params=["in-process", "redis"])
async def writers(request: pytest.FixtureRequest) -> AsyncIterator[RecentWriters]:
    if request.param == "in-process":
        yield InProcessRecentWriters(WINDOW_S)
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    yield RedisRecentWriters(redis, f"psi-test-{uuid.uuid4().hex[:8]}:", WINDOW_S)
    await redis.aclose()


async def test_a_writer_is_recent_for_the_window_only(writers: RecentWriters) -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    assert not await writers.wrote_lately(alice)
    await writers.mark(alice)
    assert await writers.wrote_lately(alice)
    assert not await writers.wrote_lately(bob)
    await asyncio.sleep(WINDOW_S + 0.2)
    assert not await writers.wrote_lately(alice)
    await writers.mark(alice)  # each write opens the window again
    assert await writers.wrote_lately(alice)
