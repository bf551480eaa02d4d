"""Redis clients for the three topologies: one server, a Redis Cluster, a primary found
through Sentinel. Every adapter takes the client this module makes; the keys each script
touches share a hash tag (`{u:<user id>}`, `{s:<session id>}`, `{<stream>}`), so the same
scripts run on all three.

A cluster client is redis-py's `RedisCluster` (it routes each command by its key's slot
and follows MOVED/ASK); a Sentinel client is a `Redis` whose pool asks the sentinels for
the current primary at every new connection. Both satisfy the `Redis` interface the
adapters use; the adapters that must act otherwise on a cluster (a multi-key script over
keys of different slots) ask `is_cluster`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import unquote, urlparse

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialWithJitterBackoff

from adapters.redis.cluster_lane import ClusterLane
from adapters.redis.lane import Lane, RedisLane

Mode = Literal["standalone", "cluster", "sentinel"]


@dataclass(frozen=True, slots=True)
class RedisTopology:
    """Where Redis is: `url` is the server (standalone), a seed node (cluster), or the
    credentials and database of the primary (sentinel)."""

    url: str
    mode: Mode = "standalone"
    cluster_nodes: tuple[str, ...] = ()
    sentinels: tuple[str, ...] = ()
    sentinel_master: str | None = None

    @property
    def master_name(self) -> str:
        return self.sentinel_master or urlparse(self.url).hostname or "mymaster"


def host_port(node: str) -> tuple[str, int]:
    host, _, port = node.rpartition(":")
    return host.strip("[]"), int(port)


def is_cluster(client: Any) -> bool:
    return isinstance(client, RedisCluster)


def connect(topology: RedisTopology | str, **options: Any) -> Redis:
    """A client for `topology` (a bare URL: one server); `options` are redis-py's
    connection options (timeouts, decode_responses, ...). Typed `Redis`: a cluster client
    answers the same commands."""
    if isinstance(topology, str):
        topology = RedisTopology(topology)
    if topology.mode == "cluster":
        return cast(Redis, _cluster(topology, options))
    if topology.mode == "sentinel":
        return _sentinel(topology, options)
    return Redis.from_url(topology.url, **options)


def _cluster(topology: RedisTopology, options: dict[str, Any]) -> RedisCluster:
    # A cluster client retries by its `retry` object only.
    options = {k: v for k, v in options.items() if k != "retry_on_timeout"}
    seeds = [ClusterNode(*host_port(node)) for node in topology.cluster_nodes]
    return RedisCluster.from_url(
        topology.url,
        startup_nodes=seeds or None,
        # A replica promoted by a failover: the client learns the new map on the next
        # MOVED or connection error; a few tries, briefly apart, bridge the election.
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), 3),
        **options,
    )


def _sentinel(topology: RedisTopology, options: dict[str, Any]) -> Redis:
    url = urlparse(topology.url)
    credentials: dict[str, Any] = {}
    if url.username:
        credentials["username"] = unquote(url.username)
    if url.password:
        credentials["password"] = unquote(url.password)
    db = url.path.lstrip("/")
    if db:
        credentials["db"] = int(db)
    timeouts = {k: options[k] for k in ("socket_timeout", "socket_connect_timeout") if k in options}
    sentinel = Sentinel(
        [host_port(node) for node in topology.sentinels],
        sentinel_kwargs=timeouts,
        **credentials,
        **options,
    )
    return sentinel.master_for(topology.master_name, redis_class=Redis)


def lane_for(client: Redis) -> Lane | None:
    """The pipelined lane to what `client` talks to (one server or a cluster's primaries);
    None where it does not go (TLS, Unix sockets, Sentinel): redis-py serves there."""
    if isinstance(client, RedisCluster):
        return ClusterLane.of(client)
    return RedisLane.of(client)
