"""The `AnalysisQueue` contract, for both adapters: `InProcessQueue` (embedded profile)
and `RedisStreamQueue` (production, against a real Redis). What the food pipeline relies
on from either: every enqueued analysis reaches the bound job handler, once per enqueue
of a new analysis; jobs run side by side; a job that fails does not stop the others.
(The stream's own delivery rules, acknowledgement and reclaim, are in
test_redis_stream_queue.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import UUID

import pytest
from redis.asyncio import Redis

from adapters.queue.in_process import InProcessQueue
from adapters.queue.redis_stream import RedisStreamQueue
from application.ports.food import AnalysisQueue, JobHandler

pytestmark = pytest.mark.asyncio
RUNNING = 4
StartQueue = Callable[[JobHandler], Awaitable[AnalysisQueue]]


class Running:
    """A queue whose jobs run in this test: started, `handler` bound, consuming."""

    def __init__(self) -> None:
        self.queue: AnalysisQueue | None = None
        self._stop: list[Callable[[], Awaitable[None]]] = []

    async def in_process(self, handler: JobHandler) -> AnalysisQueue:
        queue = InProcessQueue(max_running=RUNNING)
        queue.bind(handler)
        await queue.start()
        self._stop.append(queue.stop)
        return queue

    async def redis_stream(self, handler: JobHandler, redis_url: str, prefix: str) -> AnalysisQueue:
        queue = RedisStreamQueue(redis_url, prefix, block_ms=100)
        await queue.start()
        queue.bind(handler)
        consumer = asyncio.create_task(queue.consume(RUNNING, reclaim_idle_s=30.0))

        async def stop() -> None:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
            await queue.stop()

        self._stop.append(stop)
        return queue

    async def close(self) -> None:
        for stop in reversed(self._stop):
            await stop()


@pytest.fixture(params=["in_process", pytest.param("redis_stream", marks=pytest.mark.redis)])
def queue_kind(request) -> tuple[str, str | None]:
    """(kind, Redis URL or None), resolved outside the test's event loop."""
    if request.param == "in_process":
        return "in_process", None
    return "redis_stream", request.getfixturevalue("redis_url")


@pytest.fixture
async def start_queue(
    queue_kind,
) -> AsyncIterator[Callable[[JobHandler], Awaitable[AnalysisQueue]]]:
    _kind, redis_url = queue_kind
    running = Running()
    if redis_url is None:
        yield running.in_process
        await running.close()
        return
    prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"

    async def start(handler: JobHandler) -> AnalysisQueue:
        return await running.redis_stream(handler, redis_url, prefix)

    yield start
    await running.close()
    client = Redis.from_url(redis_url)
    keys = [k async for k in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


class Recorder:
    def __init__(self, action: Callable[[UUID], Awaitable[None]] | None = None) -> None:
        self.calls: list[UUID] = []
        self.done: list[UUID] = []
        self._action = action

    async def __call__(self, analysis_id: UUID) -> None:
        self.calls.append(analysis_id)
        if self._action is not None:
            await self._action(analysis_id)
        self.done.append(analysis_id)


async def eventually(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_every_enqueued_analysis_reaches_the_handler_once(start_queue):
    handler = Recorder()
    queue = await start_queue(handler)
    analyses = [uuid.uuid4() for _ in range(10)]
    for analysis in analyses:
        assert await queue.enqueue(analysis) is True
    await eventually(lambda: len(handler.done) == len(analyses))
    await asyncio.sleep(0.2)  # nothing more arrives
    assert sorted(handler.calls) == sorted(analyses)


async def test_jobs_run_side_by_side(start_queue):
    gate = asyncio.Event()
    slow = uuid.uuid4()

    async def hold_the_first(analysis_id: UUID) -> None:
        if analysis_id == slow:
            await gate.wait()

    handler = Recorder(hold_the_first)
    queue = await start_queue(handler)
    await queue.enqueue(slow)
    await eventually(lambda: slow in handler.calls)
    quick = uuid.uuid4()
    await queue.enqueue(quick)
    await eventually(lambda: quick in handler.done)  # not queued behind the slow job
    assert slow not in handler.done
    gate.set()
    await eventually(lambda: slow in handler.done)


async def test_a_failing_job_does_not_stop_the_others(start_queue):
    failing = uuid.uuid4()

    async def fail_one(analysis_id: UUID) -> None:
        if analysis_id == failing:
            raise RuntimeError("the job failed")

    handler = Recorder(fail_one)
    queue = await start_queue(handler)
    await queue.enqueue(failing)
    others = [uuid.uuid4() for _ in range(3)]
    for analysis in others:
        await queue.enqueue(analysis)
    await eventually(lambda: set(others) <= set(handler.done))
    assert failing in handler.calls
    assert failing not in handler.done
