"""`ClusterLane`, the pipelined lane on a Redis Cluster: commands reach the primary of
their key's slot, a stale slot map is corrected by the MOVED replies it meets, and an
unreachable cluster is a connection error (a 503 to a request), not a hang."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.redis.cluster_lane import ClusterLane, routing_key
from adapters.redis.connect import host_port, lane_for
from tests.support.services import free_port

pytestmark = pytest.mark.redis


def test_commands_are_routed_by_their_first_key():
    assert routing_key(("GET", "a")) == "a"
    assert routing_key(("EVALSHA", "sha", 2, "k1", "k2", 5)) == "k1"
    assert routing_key(("EVAL", "return 1", 0)) is None
    assert routing_key((b"MGET", "x", "y")) == "x"


async def test_keys_of_every_slot_are_served(redis_cluster_client):
    lane = lane_for(redis_cluster_client)
    assert isinstance(lane, ClusterLane)
    keys = [f"psi-test-cl-{uuid.uuid4().hex}" for _ in range(200)]  # all three primaries
    await asyncio.gather(*(lane.execute("SET", k, k, "EX", 60) for k in keys))
    assert await asyncio.gather(*(lane.execute("GET", k) for k in keys)) == [
        k.encode() for k in keys
    ]
    await lane.aclose()


async def test_a_stale_slot_map_follows_moved(redis_cluster_client, redis_cluster_nodes):
    lane = lane_for(redis_cluster_client)
    assert isinstance(lane, ClusterLane)
    await lane.execute("GET", "warm")  # the map is read
    one = host_port(redis_cluster_nodes[0])
    lane._slots = [one] * 16384  # as if every slot had moved to one node since
    keys = [f"psi-test-cl-{uuid.uuid4().hex}" for _ in range(50)]
    for k in keys:  # two thirds of them answer MOVED from that node first
        await lane.execute("SET", k, "v", "EX", 60)
    assert await redis_cluster_client.mget_nonatomic(keys) == [b"v"] * 50
    await lane.aclose()


async def test_no_reachable_node_is_a_connection_error():
    lane = ClusterLane([("127.0.0.1", free_port())], timeout=1.0, connect_timeout=1.0)
    with pytest.raises(ConnectionError):
        await lane.execute("GET", "k")
    await lane.aclose()
