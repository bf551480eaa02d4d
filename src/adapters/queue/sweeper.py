"""Runs a sweep (re-queue stuck analyses) now and then, in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("psi.food.sweeper")


class SweeperLoop:
    def __init__(self, sweep: Callable[[], Awaitable[int]], interval_s: float) -> None:
        self._sweep = sweep
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="psi-food-sweeper")

    async def _run(self) -> None:
        while True:
            try:
                requeued = await self._sweep()
                if requeued:
                    log.info("re-queued %d unfinished analyses", requeued)
            except Exception as exc:  # a store hiccup must not end the loop
                log.warning("sweep failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
