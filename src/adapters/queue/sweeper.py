"""Runs a sweep (re-queue stuck analyses) now and then, in the background."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from application.cancellation import cancel_and_wait, raise_if_cancelled

log = logging.getLogger("psi.food.sweeper")
STOP_S = 5.0  # stop(): the most it waits for a sweep in flight to end


class SweeperLoop:
    def __init__(
        self, sweep: Callable[[], Awaitable[int]], interval_s: float, stop_s: float = STOP_S
    ) -> None:
        self._sweep = sweep
        self.interval_s = interval_s
        self.stop_s = stop_s
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
            # The sweep's driver may have let the stop's cancel pass as a normal return.
            raise_if_cancelled()
            await asyncio.sleep(self.interval_s)

    async def stop(self) -> None:
        """End the loop, waiting `stop_s` at most (a sweep's driver may drop a cancel)."""
        task, self._task = self._task, None
        if task is not None and await cancel_and_wait({task}, self.stop_s):
            log.warning("the sweeper was still running %.0f s after its stop", self.stop_s)
