"""The embedded profile's `AnalysisQueue`: taskiq's `InMemoryBroker`, so a job runs in
the API process' event loop (no worker process, no Redis). Its production counterpart is
`RedisStreamQueue`; both pass tests/contract/test_analysis_queues.py.

`stop()` (the API's shutdown) gives the running jobs `STOP_S` to finish, then cancels
them (their lease runs out and the sweeper re-queues them at the next start), waiting
`STOP_S` more at most."""

from __future__ import annotations

import asyncio
import logging
from uuid import UUID

from taskiq import InMemoryBroker

from application.cancellation import cancel_and_wait
from application.ports.food import JobHandler

log = logging.getLogger("psi.food.queue")
TASK_NAME = "psi.food.analyse"
MAX_RUNNING = 8
STOP_S = 5.0


class InProcessQueue:
    def __init__(self, max_running: int = MAX_RUNNING) -> None:
        self._broker = InMemoryBroker(max_async_tasks=max_running)
        self._handler: JobHandler | None = None
        self._running: set[asyncio.Task[object]] = set()

        async def analyse(analysis_id: str) -> None:
            if self._handler is None:
                raise RuntimeError("no job handler bound in this process")
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
                task.add_done_callback(self._running.discard)
            await self._handler(UUID(analysis_id))

        self._task = self._broker.register_task(analyse, task_name=TASK_NAME)

    def bind(self, handler: JobHandler) -> None:
        """Make this process run the jobs."""
        self._handler = handler

    async def start(self) -> None:
        await self._broker.startup()

    async def enqueue(self, analysis_id: UUID) -> bool:
        """Run the job soon, in this process (duplicates are not folded: always True)."""
        await self._task.kiq(str(analysis_id))
        return True

    async def drain(self) -> None:
        """Wait for the jobs enqueued so far (tests, shutdown)."""
        await self._broker.wait_all()
        await asyncio.sleep(0)

    async def stop(self) -> None:
        if self._running:
            await asyncio.wait(set(self._running), timeout=STOP_S)
        if self._running:
            log.warning("cancelling %d unfinished jobs (re-queued later)", len(self._running))
            if await cancel_and_wait(set(self._running), STOP_S):
                log.warning("jobs still running %.0f s after their cancel", STOP_S)
        await self._broker.shutdown()
