"""`ClusterLane`, the pipelined lane on a Redis Cluster: commands reach the primary of
their key's slot, a stale slot map is corrected by the MOVED replies it meets, a slot in
migration is followed through ASK, and an unreachable cluster is a connection error (a 503
to a request), not a hang."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.crc import key_slot

from adapters.redis.cluster_lane import ClusterLane, routing_key
from adapters.redis.connect import host_port, lane_for
from tests.support.redis_topologies import SlotMigration
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


async def _calls(client, command: str) -> tuple[int, int]:
    """(calls, rejected calls: redirected) of `command` on one node since CONFIG RESETSTAT."""
    stats = (await client.info("commandstats")).get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0)), int(stats.get("rejected_calls", 0))


async def test_a_slot_in_migration_is_followed_through_ask_then_moved(
    redis_cluster_client, redis_cluster_nodes
):
    """While a slot moves, a key already moved is served by the target after ASKING (ASK
    names it; the lane's map is not changed), a key not yet moved by the source, a new key
    is created on the target; once the slot is the target's, the first command meets MOVED
    and the lane's new map sends the next ones straight to the target."""
    lane = lane_for(redis_cluster_client)
    assert isinstance(lane, ClusterLane)
    tag = f"psi-test-ask-{uuid.uuid4().hex}"
    keys = [f"{{{tag}}}:{i}" for i in range(6)]
    moved, staying, new = keys[:3], keys[3:5], keys[5]
    for k in moved + staying:
        assert await lane.execute("SET", k, k, "EX", 120) == b"OK"

    async with SlotMigration(redis_cluster_nodes, key_slot(tag.encode())) as migration:
        source, target = migration.client(migration.source), migration.client(migration.target)
        await migration.begin()
        await migration.move(*moved)
        for node in (source, target):
            await node.config_resetstat()

        for k in moved + staying:
            assert await lane.execute("GET", k) == k.encode()
        assert await lane.execute("SET", new, new, "EX", 120) == b"OK"  # absent: on the target
        assert await lane.execute("GET", new) == new.encode()
        assert await _calls(source, "get") == (2, 4)  # staying served; moved and new: ASK
        assert await _calls(source, "set") == (0, 1)
        assert await _calls(target, "asking") == (5, 0)
        assert await _calls(target, "get") == (4, 0)
        assert await _calls(target, "set") == (1, 0)
        assert await target.execute_command("CLUSTER", "COUNTKEYSINSLOT", migration.slot) == 4

        await migration.finish()
        for node in (source, target):
            await node.config_resetstat()
        assert await lane.execute("GET", staying[0]) == staying[0].encode()
        assert await _calls(source, "get") == (0, 1)  # MOVED, once
        for k in keys:
            assert await lane.execute("GET", k) == k.encode()
        assert await _calls(source, "get") == (0, 1)  # the map has the slot on the target
        assert await _calls(target, "get") == (1 + len(keys), 0)
        assert await _calls(target, "asking") == (0, 0)
    await lane.aclose()
