"""The embedded profile's `AnalysisQueue`: taskiq's `InMemoryBroker`, so a job runs in
the API process' event loop (no worker process, no Redis). Its production counterpart is
`RedisStreamQueue`; both pass tests/contract/test_analysis_queues.py."""

from __future__ import annotations

import asyncio
from uuid import UUID

from taskiq import InMemoryBroker

from application.ports.food import JobHandler

TASK_NAME = "psi.food.analyse"
MAX_RUNNING = 8


class InProcessQueue:
    def __init__(self, max_running: int = MAX_RUNNING) -> None:
        self._broker = InMemoryBroker(max_async_tasks=max_running)
        self._handler: JobHandler | None = None

        async def analyse(analysis_id: str) -> None:
            if self._handler is None:
                raise RuntimeError("no job handler bound in this process")
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
        await self.drain()
        await self._broker.shutdown()
