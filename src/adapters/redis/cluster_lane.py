"""The pipelined lane on a Redis Cluster: one `RedisLane` per primary, each command sent
to the primary serving its key's slot.

The slot map comes from `CLUSTER SLOTS` (asked of any node the lane knows) and is asked
again after a MOVED reply (a slot moved, or a replica took over) or a lost connection. An
ASK reply (a slot being migrated) sends the command once to the named node after ASKING.
A command is tried at most three times; a node that stays unreachable fails it with
`ConnectionError`, a cluster without a primary for the slot with redis-py's
`ClusterDownError`: both are 503s to a request, as on one server.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import hiredis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.connection import Connection
from redis.crc import key_slot

from adapters.redis.lane import Arg, RedisLane

_TRIES = 3
Node = tuple[str, int]


def routing_key(args: tuple[Arg, ...]) -> Arg | None:
    """The key a command is routed by: EVAL/EVALSHA's first key, else the first argument."""
    name = str(args[0]).upper() if not isinstance(args[0], bytes) else args[0].decode().upper()
    if name in ("EVAL", "EVALSHA"):
        return args[3] if int(args[2]) > 0 else None
    return args[1] if len(args) > 1 else None


def _slot(key: Arg) -> int:
    return key_slot(key if isinstance(key, bytes) else str(key).encode())


class ClusterLane:
    def __init__(
        self,
        seeds: list[Node],
        *,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 5.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self._seeds = list(seeds)
        self._username, self._password = username, password
        self._timeout, self._connect_timeout = timeout, connect_timeout
        self._lanes: dict[Node, RedisLane] = {}
        self._slots: list[Node] | None = None
        self._mapping: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def of(cls, cluster: RedisCluster) -> ClusterLane | None:
        """A lane to the nodes `cluster` knows, with its credentials and timeouts; None
        over TLS (use redis-py there)."""
        kw = cluster.connection_kwargs
        if kw.get("connection_class", Connection) is not Connection:
            return None
        seeds = [(n.host, int(n.port)) for n in cluster.startup_nodes]
        timeout = kw.get("socket_timeout") or 5.0
        return cls(
            seeds,
            username=kw.get("username"),
            password=kw.get("password"),
            timeout=timeout,
            connect_timeout=kw.get("socket_connect_timeout") or timeout,
        )

    def _lane(self, node: Node) -> RedisLane:
        lane = self._lanes.get(node)
        if lane is None:
            lane = self._lanes[node] = RedisLane(
                node[0],
                node[1],
                username=self._username,
                password=self._password,
                timeout=self._timeout,
                connect_timeout=self._connect_timeout,
            )
        return lane

    async def execute(self, *args: Arg) -> Any:
        key = routing_key(args)
        slot = _slot(key) if key is not None else 0
        asking: Node | None = None
        for attempt in range(_TRIES):
            last = attempt == _TRIES - 1
            try:
                if asking is not None:
                    return await self._lane(asking).execute_asking(*args)
                node = (await self._map())[slot]
                return await self._lane(node).execute(*args)
            except hiredis.ReplyError as exc:
                kind, _, rest = str(exc).partition(" ")
                if kind not in ("MOVED", "ASK") or last:
                    raise
                target = rest.split(" ", 1)[1]
                host, _, port = target.rpartition(":")
                if kind == "ASK":
                    asking = (host or self._seeds[0][0], int(port))
                    continue
                asking = None
                self._forget_map()
            except (ConnectionError, TimeoutError):
                # The node is gone (a primary killed) or hung: the map may be stale.
                self._forget_map()
                if last:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _forget_map(self) -> None:
        self._slots = None

    async def _map(self) -> list[Node]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._mapping, self._slots = loop, asyncio.Lock(), None
        slots = self._slots
        if slots is not None:
            return slots
        assert self._mapping is not None
        async with self._mapping:
            if self._slots is None:
                self._slots = await self._ask_for_map()
            return self._slots

    async def _ask_for_map(self) -> list[Node]:
        failure: Exception | None = None
        # Nodes met so far first (the seeds may be gone), then the seeds.
        for node in dict.fromkeys([*self._lanes, *self._seeds]):
            try:
                reply = await self._lane(node).execute("CLUSTER", "SLOTS")
            except (ConnectionError, TimeoutError, hiredis.ReplyError) as exc:
                failure = exc
                continue
            table: list[Node] = [node] * 16384
            for start, end, primary, *_replicas in reply:
                host = primary[0].decode() if primary[0] else node[0]
                for slot in range(int(start), int(end) + 1):
                    table[slot] = (host, int(primary[1]))
            return table
        raise ConnectionError(f"no Redis Cluster node answered CLUSTER SLOTS ({failure})")

    async def aclose(self) -> None:
        for lane in list(self._lanes.values()):
            with contextlib.suppress(Exception):
                await lane.aclose()
        self._lanes.clear()
