"""Redis clients for the three topologies: one server, a Redis Cluster, a primary found
through Sentinel. Every adapter takes the client this module makes; the keys each script
touches share a hash tag (`{u:<user id>}`, `{s:<session id>}`, `{<stream>}`), so the same
scripts run on all three.

A cluster client is redis-py's `RedisCluster` (it routes each command by its key's slot
and follows MOVED/ASK); a Sentinel client is a `Redis` whose pool asks the sentinels for
the current primary at every new connection. The sentinels have credentials and TLS of
their own (`SentinelAccess`): the data nodes' password is not theirs. Both satisfy the
`Redis` interface the adapters use; the adapters that must act otherwise on a cluster (a
multi-key script over keys of different slots) ask `is_cluster`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast
from urllib.parse import urlparse

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import SSLConnection, parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialWithJitterBackoff

from adapters.redis.cluster_lane import ClusterLane
from adapters.redis.lane import Lane, RedisLane

Mode = Literal["standalone", "cluster", "sentinel"]


@dataclass(frozen=True, slots=True)
class SentinelAccess:
    """How to reach the sentinels themselves: their own ACL user and password
    (`requirepass` / `user` in sentinel.conf), and TLS (None: as the data nodes, i.e.
    `rediss://` in the URL; the URL's `ssl_*` options, a CA file say, serve both)."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool | None = None


@dataclass(frozen=True, slots=True)
class RedisTopology:
    """Where Redis is: `url` is the server (standalone), a seed node (cluster), or the
    credentials, TLS and database of the primary (sentinel)."""

    url: str
    mode: Mode = "standalone"
    cluster_nodes: tuple[str, ...] = ()
    sentinels: tuple[str, ...] = ()
    sentinel_master: str | None = None
    sentinel_access: SentinelAccess = SentinelAccess()

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


@dataclass(frozen=True, slots=True)
class PrimaryOptions:
    """What a Sentinel-found primary is dialled with, read from the URL: credentials,
    database and its other options; whether it speaks TLS (`rediss://`) and the query's
    `ssl_*` options (a CA file, ...). The URL's host only names the primary."""

    options: dict[str, Any] = field(repr=False)  # the password among them
    tls: bool
    tls_options: dict[str, Any]

    @classmethod
    def of(cls, url: str) -> PrimaryOptions:
        """Raises ValueError for a URL that is not redis:// or rediss://, or that
        redis-py does not parse."""
        if urlparse(url).scheme not in ("redis", "rediss"):
            raise ValueError("expected redis:// or rediss://")
        options: dict[str, Any] = dict(parse_url(url))
        options.pop("host", None)
        options.pop("port", None)
        tls = options.pop("connection_class", None) is SSLConnection
        tls_options = {k: options.pop(k) for k in list(options) if k.startswith("ssl_")}
        return cls(options, tls, tls_options)

    def sentinel_tls(self, access: SentinelAccess) -> bool:
        return self.tls if access.tls is None else access.tls


def _sentinel(topology: RedisTopology, options: dict[str, Any]) -> Redis:
    primary = PrimaryOptions.of(topology.url)
    access = topology.sentinel_access
    sentinel_kwargs = {
        k: options[k] for k in ("socket_timeout", "socket_connect_timeout") if k in options
    }
    if primary.sentinel_tls(access):
        sentinel_kwargs.update(ssl=True, **primary.tls_options)
    if access.username:
        sentinel_kwargs["username"] = access.username
    if access.password:
        sentinel_kwargs["password"] = access.password
    data_tls = {"ssl": True, **primary.tls_options} if primary.tls else {}
    sentinel = Sentinel(
        [host_port(node) for node in topology.sentinels],
        sentinel_kwargs=sentinel_kwargs,
        **{**options, **primary.options, **data_tls},
    )
    return sentinel.master_for(topology.master_name, redis_class=Redis)


def lane_for(client: Redis) -> Lane | None:
    """The pipelined lane to what `client` talks to (one server or a cluster's primaries);
    None where it does not go (TLS, Unix sockets, Sentinel): redis-py serves there."""
    if isinstance(client, RedisCluster):
        return ClusterLane.of(client)
    return RedisLane.of(client)
