"""Collection set-up (indexes, time-series collections) run once per process, on first use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from pymongo import IndexModel
from pymongo.asynchronous.collection import AsyncCollection


class Once:
    """Runs an async set-up the first time it is awaited; concurrent first callers wait for
    the one run, and a set-up that failed runs again on the next call."""

    def __init__(self, setup: Callable[[], Awaitable[object]]) -> None:
        self._setup = setup
        self._done = False
        self._lock = asyncio.Lock()

    async def __call__(self) -> None:
        if self._done:
            return
        async with self._lock:
            if not self._done:
                await self._setup()
                self._done = True


def indexes_once(collection: AsyncCollection, *indexes: IndexModel) -> Once:
    """Create `indexes` on `collection` (idempotent on the server) once per process."""
    return Once(lambda: collection.create_indexes(list(indexes)))
