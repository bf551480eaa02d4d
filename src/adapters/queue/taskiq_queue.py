"""`AnalysisQueue` on taskiq.

Embedded: `InMemoryBroker`, the job runs in the API process' event loop.
Production: `RedisStreamBroker` (a consumer group on a Redis stream); the API only
adds messages, `psi worker` processes them and acknowledges a message after the
task returned, i.e. after the result was committed. A message of a worker that
died stays pending in the group and is claimed again after `idle_timeout_ms`; the
job is idempotent, so that redelivery (or the sweeper's re-queue) is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from uuid import UUID

from taskiq import AsyncBroker, InMemoryBroker
from taskiq.acks import AcknowledgeType
from taskiq.api import run_receiver_task
from taskiq_redis import RedisStreamBroker

from application.ports.food import JobHandler

TASK_NAME = "psi.food.analyse"
log = logging.getLogger("psi.food.queue")


def build_broker(redis_url: str | None, prefix: str, *, idle_timeout_ms: int = 120_000
                 ) -> AsyncBroker:
    if redis_url is None:
        return InMemoryBroker(max_async_tasks=8)
    return RedisStreamBroker(redis_url, queue_name=f"{prefix}food-analysis",
                             consumer_group_name=f"{prefix}food-workers", consumer_id="0",
                             idle_timeout=idle_timeout_ms, xread_block=1000,
                             unacknowledged_lock_timeout=30)


class TaskiqAnalysisQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self.broker = broker
        self._handler: JobHandler | None = None

        async def analyse(analysis_id: str) -> None:
            if self._handler is None:
                raise RuntimeError("no job handler bound in this process")
            await self._handler(UUID(analysis_id))

        self._task = broker.register_task(analyse, task_name=TASK_NAME)

    @property
    def in_process(self) -> bool:
        return isinstance(self.broker, InMemoryBroker)

    def bind(self, handler: JobHandler) -> None:
        """Make this process run the jobs (the worker, or the embedded API)."""
        self._handler = handler

    async def enqueue(self, analysis_id: UUID) -> None:
        await self._task.kiq(str(analysis_id))

    async def start(self) -> None:
        await self.broker.startup()

    async def stop(self) -> None:
        if isinstance(self.broker, InMemoryBroker):
            await self.broker.wait_all()
        await self.broker.shutdown()

    async def consume(self, concurrency: int) -> None:
        """Receive and run jobs until cancelled (the worker process' main loop)."""
        await run_receiver_task(self.broker, max_async_tasks=concurrency,
                                ack_time=AcknowledgeType.WHEN_SAVED, run_startup=False)


async def drain_in_memory(queue: TaskiqAnalysisQueue) -> None:
    """Wait for the in-process jobs kicked so far (tests, shutdown)."""
    if isinstance(queue.broker, InMemoryBroker):
        await queue.broker.wait_all()
        await asyncio.sleep(0)
