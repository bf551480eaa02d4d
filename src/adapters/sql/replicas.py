"""`ReadRouting` over PostgreSQL streaming replicas (`PSI_DATABASE_REPLICA_URLS`).

A read-only use case's reads go to a replica (round robin) unless:
- its person wrote within the last `PSI_DATABASE_REPLICA_STICKY_S` seconds (read your
  writes: the replica may not have replayed that write yet), then to the primary. A
  request's own view (`for_request`) knows that of its caller already (the edge's
  admission read the mark in its round trip); anyone else is asked of `RecentWriters`;
- the replica failed (refused, timed out, reset): the same reads run again on the primary
  at once, and that replica is left alone for `down_for_s` before it is tried again.
No replica failure is an error an API client sees.

Reads route by a context variable (`Database.reading_from`) that the adapters' engine and
pooled connections follow: the SQL adapters stay as they are.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from uuid import UUID

from adapters.sql.database import Database
from adapters.sql.recent_writers import RecentWriters
from application.ports.reads import ReadRouting
from domain.errors import DependencyUnavailable

T = TypeVar("T")

log = logging.getLogger(__name__)


class ReplicaReads:
    def __init__(
        self,
        primary: Database,
        replicas: Sequence[Database],
        writers: RecentWriters,
        *,
        down_for_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._replicas = list(replicas)
        self._writers = writers
        self._down_for_s = down_for_s
        self._clock = clock
        self._down_until = [0.0] * len(self._replicas)
        self._turn = itertools.cycle(range(len(self._replicas)))

    def _pick(self) -> int | None:
        now = self._clock()
        for _ in self._replicas:
            index = next(self._turn)
            if self._down_until[index] <= now:
                return index
        return None

    async def read(self, user_id: UUID | None, query: Callable[[], Awaitable[T]]) -> T:
        return await self.read_knowing(user_id, None, query)

    def for_request(self, user_id: UUID, wrote_lately: bool) -> ReadRouting:
        return _RequestReads(self, user_id, wrote_lately)

    async def read_knowing(
        self, user_id: UUID | None, wrote_lately: bool | None, query: Callable[[], Awaitable[T]]
    ) -> T:
        """`read`, where `wrote_lately` (when not None) is already known of `user_id`."""
        index = self._pick()
        if index is None:
            return await query()
        if user_id is not None:
            if wrote_lately is None:
                wrote_lately = await self._writers.wrote_lately(user_id)
            if wrote_lately:
                return await query()
        try:
            with self._primary.reading_from(self._replicas[index]):
                return await query()
        except DependencyUnavailable as exc:
            if exc.details.get("dependency") != "database":
                raise
            self._down_until[index] = self._clock() + self._down_for_s
            log.warning(
                "database replica %d unavailable; reading from the primary for %.0f s",
                index,
                self._down_for_s,
            )
        return await query()

    async def dispose(self) -> None:
        for replica in self._replicas:
            await replica.dispose()


class _RequestReads:
    """`ReplicaReads` for one request whose caller's recent writing is known."""

    __slots__ = ("_routing", "_user_id", "_wrote_lately")

    def __init__(self, routing: ReplicaReads, user_id: UUID, wrote_lately: bool) -> None:
        self._routing = routing
        self._user_id = user_id
        self._wrote_lately = wrote_lately

    async def read(self, user_id: UUID | None, query: Callable[[], Awaitable[T]]) -> T:
        known = self._wrote_lately if user_id == self._user_id else None
        return await self._routing.read_knowing(user_id, known, query)

    def for_request(self, user_id: UUID, wrote_lately: bool) -> ReadRouting:
        return self._routing.for_request(user_id, wrote_lately)
