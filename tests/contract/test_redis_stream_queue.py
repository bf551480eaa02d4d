"""The production job queue (adapters/queue/redis_stream.py) against a real Redis: every
delivery is acknowledged once its job returned (no-op duplicates included), nothing is
acknowledged before, a dead worker's delivery is reclaimed and run once, re-queues of an
analysis still in the stream add nothing, the pending entries list drains to 0, and a
consumer, a delivery or the whole queue asked to stop ends, whenever the request comes."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import UUID

import pytest

from adapters.queue.redis_stream import RedisStreamQueue
from adapters.redis.connect import RedisTopology, connect

pytestmark = [pytest.mark.asyncio, pytest.mark.redis]
IDLE_S = 0.3  # reclaim deliveries idle this long (a lease and a half, in the worker)
KEEP_S = IDLE_S / 3  # a running delivery is kept claimed this often


class Recorder:
    """A job handler that records its calls and does what the test scripts."""

    def __init__(self, action: Callable[[UUID, int], Awaitable[None]] | None = None) -> None:
        self.calls: list[UUID] = []
        self.done: list[UUID] = []
        self._action = action

    async def __call__(self, analysis_id: UUID) -> None:
        self.calls.append(analysis_id)
        if self._action is not None:
            await self._action(analysis_id, len(self.calls))
        self.done.append(analysis_id)


class Queues:
    def __init__(self, redis_url: str | RedisTopology) -> None:
        self.redis_url = redis_url
        self.prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
        self.made: list[RedisStreamQueue] = []
        self.tasks: list[asyncio.Task[None]] = []

    async def new(self, **options) -> RedisStreamQueue:
        queue = RedisStreamQueue(self.redis_url, self.prefix, **options)
        await queue.start()
        self.made.append(queue)
        return queue

    async def worker(self, handler: Recorder, concurrency: int = 4) -> RedisStreamQueue:
        queue = await self.new()
        queue.bind(handler)
        self.tasks.append(asyncio.create_task(queue.consume(concurrency, reclaim_idle_s=IDLE_S)))
        return queue

    async def stop_consumers(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()


@pytest.fixture(params=["standalone", "cluster"])
def topology(request, redis_url: str) -> RedisTopology:
    """One server, or a Redis Cluster (the stream and its markers share one slot)."""
    if request.param == "standalone":
        return RedisTopology(redis_url)
    nodes = request.getfixturevalue("redis_cluster_nodes")
    return RedisTopology(f"redis://{nodes[0]}", "cluster", tuple(nodes))


@pytest.fixture
async def redis_client(topology: RedisTopology):
    client = connect(topology)
    yield client
    await client.aclose()


@pytest.fixture
async def queues(topology: RedisTopology, redis_client) -> AsyncIterator[Queues]:
    q = Queues(topology)
    yield q
    # Bounded, so a consumer or a queue that does not stop fails here instead of stalling
    # the suite. One CI run hung 300 s in this clean-up; the likely cause, a consumer's
    # cancel that redis-py dropped, is test_a_consumer_ends_whenever_it_is_cancelled.
    slow = []
    for step, cleanup in (("stop_consumers", q.stop_consumers()), ("stop", _stop_all(q))):
        try:
            await asyncio.wait_for(cleanup, timeout=20)
        except TimeoutError:
            slow.append(step)
    keys = [k async for k in redis_client.scan_iter(match=f"{q.prefix}*")]
    if keys:
        await redis_client.delete(*keys)
    assert not slow, f"stream queue clean-up steps that took over 20 s: {slow}"


async def _stop_all(q: Queues) -> None:
    for queue in q.made:
        await queue.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def settled(queue: RedisStreamQueue, handler: Recorder, jobs: int) -> None:
    """`jobs` jobs returned and every delivery acknowledged (the PEL is empty)."""

    async def check() -> bool:
        return len(handler.done) >= jobs and await queue.pending() == 0

    await eventually(check)


async def test_a_delivery_is_acked_once_its_job_returned(queues, redis_client):
    gate = asyncio.Event()

    async def wait_for_gate(_id: UUID, _n: int) -> None:
        await gate.wait()

    handler = Recorder(wait_for_gate)
    queue = await queues.worker(handler)
    analysis = uuid.uuid4()
    assert await queue.enqueue(analysis)
    await eventually(lambda: _true(bool(handler.calls)))
    await asyncio.sleep(IDLE_S * 2)  # running for longer than the reclaim idle time ...
    assert await queue.pending() == 1  # ... not acknowledged before the job returned
    assert await redis_client.exists(queue.marker(analysis))
    gate.set()
    await settled(queue, handler, 1)
    assert handler.calls == [analysis]  # kept claimed while running: never taken over
    assert not await redis_client.exists(queue.marker(analysis))


async def test_a_no_op_duplicate_delivery_is_acked(queues, redis_client):
    handler = Recorder()  # returns at once, as a job for a final analysis does
    queue = await queues.new()
    analysis = uuid.uuid4()
    assert await queue.enqueue(analysis)
    await redis_client.delete(queue.marker(analysis))  # e.g. the marker's TTL ran out
    assert await queue.enqueue(analysis)
    assert await redis_client.xlen(queue.stream) == 2
    queue.bind(handler)
    queues.tasks.append(asyncio.create_task(queue.consume(4, reclaim_idle_s=IDLE_S)))
    await settled(queue, handler, 2)
    assert handler.calls == [analysis, analysis]


async def test_requeues_of_an_analysis_still_in_the_stream_add_nothing(queues, redis_client):
    queue = await queues.new()
    analysis, other = uuid.uuid4(), uuid.uuid4()
    assert await queue.enqueue(analysis)
    for _ in range(5):  # the sweeper, every interval
        assert not await queue.enqueue(analysis)
    assert await queue.enqueue(other)
    assert await redis_client.xlen(queue.stream) == 2

    handler = Recorder()
    queue.bind(handler)
    queues.tasks.append(asyncio.create_task(queue.consume(4, reclaim_idle_s=IDLE_S)))
    await settled(queue, handler, 2)
    assert sorted(handler.calls) == sorted([analysis, other])
    assert await queue.enqueue(analysis)  # acknowledged: a later re-queue is added again


async def test_a_dead_workers_delivery_is_reclaimed_run_once_and_acked(queues, redis_client):
    queue = await queues.new()
    analysis = uuid.uuid4()
    await queue.enqueue(analysis)
    # A worker takes the message and is killed before acknowledging it.
    taken = await redis_client.xreadgroup(
        queue.group, "killed-worker", {queue.stream: ">"}, count=10
    )
    assert len(taken[0][1]) == 1 and await queue.pending() == 1
    assert not await queue.enqueue(analysis)  # the sweeper's re-queue adds nothing

    handler = Recorder()
    survivor = await queues.worker(handler)
    await settled(survivor, handler, 1)
    await asyncio.sleep(IDLE_S * 2)  # more reclaim rounds: nothing runs it again
    assert handler.calls == [analysis]
    assert await redis_client.xlen(queue.stream) == 0  # done with: deleted
    assert not await redis_client.exists(queue.marker(analysis))


async def test_a_job_that_raises_is_not_acked_and_runs_again(queues):
    async def fail_first(_id: UUID, n: int) -> None:
        if n == 1:
            raise ConnectionError("the database went away")

    handler = Recorder(fail_first)
    queue = await queues.worker(handler)
    analysis = uuid.uuid4()
    await queue.enqueue(analysis)
    await settled(queue, handler, 1)
    assert handler.calls == [analysis, analysis] and handler.done == [analysis]


async def test_a_running_job_is_not_taken_over_by_another_worker(queues):
    async def slow(_id: UUID, _n: int) -> None:
        await asyncio.sleep(IDLE_S * 5)

    handler = Recorder(slow)
    first = await queues.worker(handler)
    analysis = uuid.uuid4()
    await first.enqueue(analysis)
    await eventually(lambda: _true(bool(handler.calls)))
    await queues.worker(handler)  # a second worker, reclaiming every IDLE_S / 2
    await settled(first, handler, 1)
    await asyncio.sleep(IDLE_S * 2)
    assert handler.calls == [analysis]


async def test_a_worker_takes_no_more_than_it_can_run(queues):
    gate = asyncio.Event()

    async def wait_for_gate(_id: UUID, _n: int) -> None:
        await gate.wait()

    handler = Recorder(wait_for_gate)
    queue = await queues.worker(handler, concurrency=2)
    for _ in range(5):
        await queue.enqueue(uuid.uuid4())
    await eventually(lambda: _true(len(handler.calls) == 2))
    await asyncio.sleep(0.2)
    assert len(handler.calls) == 2 and await queue.pending() == 2
    gate.set()
    await settled(queue, handler, 5)
    assert len(set(handler.calls)) == 5


async def test_a_stopped_worker_leaves_nothing_pending(queues, redis_client):
    handler = Recorder()
    queue = await queues.worker(handler)
    await asyncio.sleep(0.2)  # in its blocking read
    consumer = queues.tasks.pop()
    consumer.cancel()  # stopping; a message arrives while the read is still out
    analysis = uuid.uuid4()
    await queue.enqueue(analysis)
    with contextlib.suppress(asyncio.CancelledError):
        await consumer
    assert await queue.pending() == 0 and handler.calls == []  # given back, not kept

    later = Recorder()
    survivor = await queues.worker(later)
    await settled(survivor, later, 1)
    await asyncio.sleep(IDLE_S * 2)
    assert later.calls == [analysis]


async def test_a_consumer_ends_whenever_it_is_cancelled(queues):
    """Cancelled after each number of turns of the event loop in turn, the consumer ends.
    Some of those turns find it writing a command, where redis-py's `asyncio.wait_for`
    (Python 3.11) returns normally instead of raising the CancelledError."""
    queue = await queues.new(block_ms=50)
    queue.bind(Recorder())
    for turns in range(40):
        consumer = asyncio.create_task(queue.consume(4, reclaim_idle_s=IDLE_S))
        for _ in range(turns):
            await asyncio.sleep(0)
        consumer.cancel()
        ended, _ = await asyncio.wait({consumer}, timeout=3)
        if not ended:
            queues.tasks.append(consumer)  # the clean-up cancels it again
        assert ended, f"cancelled after {turns} turns of the loop, the consumer ran on"
        assert consumer.cancelled()


async def test_a_delivery_is_acked_however_its_end_meets_its_keepers_refresh(queues):
    """The job returns a few turns of the loop after its delivery's keeper woke up to
    refresh the claim (both wait `KEEP_S`), at each turn in turn: the keeper, cancelled
    while it writes its command or waits for the reply, ends, and the delivery is acked."""
    ends_after: list[int] = []

    async def return_near_the_refresh(_id: UUID, n: int) -> None:
        await asyncio.sleep(KEEP_S)
        for _ in range(ends_after[n - 1]):
            await asyncio.sleep(0)

    handler = Recorder(return_near_the_refresh)
    queue = await queues.worker(handler)
    for turns in range(12):
        ends_after.append(turns)
        await queue.enqueue(uuid.uuid4())
        await settled(queue, handler, turns + 1)


async def test_stop_ends_the_consumer_and_the_running_deliveries(queues):
    async def never_returns(_id: UUID, _n: int) -> None:
        await asyncio.Event().wait()

    before = asyncio.all_tasks()
    handler = Recorder(never_returns)
    queue = await queues.worker(handler)
    await queue.enqueue(uuid.uuid4())
    await eventually(lambda: _true(bool(handler.calls)))
    started = time.monotonic()
    await asyncio.wait_for(queue.stop(), timeout=10)
    assert time.monotonic() - started < 3  # the read in flight (1 s) gives back, no more
    assert all(task.done() for task in queues.tasks)  # the consumer too
    assert not [t for t in asyncio.all_tasks() - before if t.get_name().startswith("psi-job")]
    assert await queue.pending() == 1  # the job cut short: reclaimed later


async def test_a_read_blocks_for_a_bounded_time():
    with pytest.raises(ValueError, match="block_ms"):  # BLOCK 0: until a message comes
        RedisStreamQueue("redis://127.0.0.1:1", "psi-test:", block_ms=0)


async def _true(value: bool) -> bool:
    return value
