"""Where read-only use cases read: the primary database, or a streaming replica of it.

A read-only use case hands its reads to `ReadRouting.read`; the routing runs them on a
replica unless the person just wrote (read-your-writes: their own next read sees their
write even while the replica lags) or no replica can serve, then on the primary.
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

    async def wrote(self, user_id: UUID) -> None:
        """`user_id` just wrote: their reads go to the primary for a short while."""
        ...


class PrimaryReads:
    """Every read on the primary (no replicas configured)."""

    async def read(self, user_id: UUID | None, query: Callable[[], Awaitable[T]]) -> T:
        return await query()

    async def wrote(self, user_id: UUID) -> None:
        return None


PRIMARY_READS = PrimaryReads()
