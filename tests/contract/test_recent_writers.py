"""`RecentWriters` contract (read your writes with replicas), in process and in Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.redis.connect import lane_for
from adapters.sql.recent_writers import (
    InProcessRecentWriters,
    RecentWriters,
    RedisRecentWriters,
)

WINDOW_S = 0.4


@pytest.fixture(params=["in-process", "redis", "redis (lane)", "redis cluster (lane)"])
def writers(request: pytest.FixtureRequest) -> RecentWriters:
    if request.param == "in-process":
        return InProcessRecentWriters(WINDOW_S)
    cluster = request.param.startswith("redis cluster")
    client = request.getfixturevalue("redis_cluster_client" if cluster else "redis_client")
    lane = lane_for(client) if request.param.endswith("(lane)") else None
    return RedisRecentWriters(client, f"psi-test-{uuid.uuid4().hex[:8]}:", WINDOW_S, lane=lane)


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
