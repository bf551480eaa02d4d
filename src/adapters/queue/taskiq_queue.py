"""`AnalysisQueue`: taskiq in-process in the embedded profile, a Redis stream in production.

Embedded: taskiq's `InMemoryBroker`, the job runs in the API process' event loop.
Production: `RedisStreamQueue` (adapters/queue/redis_stream.py), a consumer group on a
Redis stream; the API only adds messages, `psi worker` takes them, acknowledges each one
once its outcome is durable, and reclaims the deliveries of a worker that died.
"""

from __future__ import annotations

import asyncio
import logging
from uuid import UUID

from taskiq import AsyncBroker, InMemoryBroker

from adapters.queue.redis_stream import RedisStreamQueue
from adapters.redis.connect import RedisTopology
from application.ports.food import JobHandler

TASK_NAME = "psi.food.analyse"
log = logging.getLogger("psi.food.queue")


def build_broker(
    redis_url: str | RedisTopology | None, prefix: str
) -> AsyncBroker | RedisStreamQueue:
    if redis_url is None:
        return InMemoryBroker(max_async_tasks=8)
    return RedisStreamQueue(redis_url, prefix)


class TaskiqAnalysisQueue:
    def __init__(self, broker: AsyncBroker | RedisStreamQueue) -> None:
        self.stream = broker if isinstance(broker, RedisStreamQueue) else None
        self.broker = None if isinstance(broker, RedisStreamQueue) else broker
        self._handler: JobHandler | None = None

        async def analyse(analysis_id: str) -> None:
            if self._handler is None:
                raise RuntimeError("no job handler bound in this process")
            await self._handler(UUID(analysis_id))

        self._task = (
            self.broker.register_task(analyse, task_name=TASK_NAME)
            if self.broker is not None
            else None
        )

    @property
    def in_process(self) -> bool:
        return self.stream is None

    def bind(self, handler: JobHandler) -> None:
        """Make this process run the jobs (the worker, or the embedded API)."""
        self._handler = handler
        if self.stream is not None:
            self.stream.bind(handler)

    async def enqueue(self, analysis_id: UUID) -> None:
        if self._task is not None:
            await self._task.kiq(str(analysis_id))
        elif self.stream is not None:
            await self.stream.enqueue(analysis_id)

    async def start(self) -> None:
        if self.broker is not None:
            await self.broker.startup()
        elif self.stream is not None:
            await self.stream.start()

    async def stop(self) -> None:
        if self.broker is not None:
            if isinstance(self.broker, InMemoryBroker):
                await self.broker.wait_all()
            await self.broker.shutdown()
        elif self.stream is not None:
            await self.stream.stop()

    async def backlog(self, now_ms: int) -> tuple[int, float | None]:
        """(jobs queued or running, age in seconds of the oldest) of the production queue."""
        if self.stream is None:
            raise RuntimeError("the in-process queue keeps no backlog to inspect")
        return await self.stream.backlog(now_ms)

    async def consume(self, concurrency: int, *, reclaim_idle_s: float = 90.0) -> None:
        """Take and run jobs until cancelled (the worker process' main loop); a delivery
        idle for `reclaim_idle_s` (its worker died) is taken over."""
        if self.stream is None:
            raise RuntimeError("the in-process queue runs its jobs itself")
        await self.stream.consume(concurrency, reclaim_idle_s=reclaim_idle_s)


async def drain_in_memory(queue: TaskiqAnalysisQueue) -> None:
    """Wait for the in-process jobs kicked so far (tests, shutdown)."""
    if isinstance(queue.broker, InMemoryBroker):
        await queue.broker.wait_all()
        await asyncio.sleep(0)
