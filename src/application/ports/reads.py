"""Where read-only use cases read: the primary database, or a streaming replica of it.

A read-only use case hands its reads to `ReadRouting.read`; the routing runs them on a
replica unless the person just wrote (read-your-writes: their own next read sees their
write even while the replica lags) or no replica can serve, then on the primary. Who just
wrote is marked by the HTTP edge as a writing response starts
(`entrypoints/http/read_your_writes.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar
from uuid import UUID

T = TypeVar("T")


class ReadRouting(Protocol):
    async def read(self, user_id: UUID | None, query: Callable[[], Awaitable[T]]) -> T:
        """The result of `query` (reads only: it may run twice, on a replica and then on
        the primary when the replica failed). `user_id`: whose data is read (None for
        shared catalogues)."""
        ...

    def for_request(self, user_id: UUID, wrote_lately: bool) -> ReadRouting:
        """The routing of one request whose caller (`user_id`) is known to have written
        within the read-your-writes window or not (the edge's admission read it): their
        reads ask nothing more."""
        ...


class PrimaryReads:
    """Every read on the primary (no replicas configured)."""

    async def read(self, user_id: UUID | None, query: Callable[[], Awaitable[T]]) -> T:
        return await query()

    def for_request(self, user_id: UUID, wrote_lately: bool) -> ReadRouting:
        return self


PRIMARY_READS = PrimaryReads()
