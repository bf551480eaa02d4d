"""Stop paths end within their bound even when the code they cancel drops the cancel, as
`asyncio.wait_for` does on Python 3.11 when the cancel comes as its awaitable completes
(CPython gh-86296; redis-py runs every command under it), and never swallow the stopper's
own cancel (docs/dev-conventions.md, "Habits").

The stand-ins are drivers: each either runs the real `asyncio.wait_for` into the race or
catches the CancelledError once, as that race looks from outside."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import uuid4

import pytest

from adapters.queue.in_process import InProcessQueue
from adapters.queue.sweeper import SweeperLoop
from entrypoints.jobs.scheduler import Job, run_scheduler
from entrypoints.readiness import Readiness
from entrypoints.settings import load_settings
from entrypoints.worker import _Running, _watch_backlog

T = TypeVar("T")
BOUND_S = 10.0  # what a test allows a stop that works; the old code never returned


class RacingDriver:
    """A call under `asyncio.wait_for` whose reply the test lets in at the moment the
    caller is cancelled: wait_for returns the reply and the CancelledError is lost."""

    def __init__(self) -> None:
        self.calls = 0
        self.entered = asyncio.Event()
        self.reply: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def __call__(self, *_: object) -> int:
        self.calls += 1
        self.entered.set()
        return await asyncio.wait_for(self.reply, timeout=60)

    def answer(self) -> None:
        """Let the reply in: a cancel before the caller runs again is lost."""
        self.reply.set_result(0)


class DroppingDriver:
    """A call that catches its first cancel, then goes on waiting (a retry after it)."""

    def __init__(self) -> None:
        self.calls = 0
        self.entered = asyncio.Event()

    async def __call__(self, *_: object) -> int:
        self.calls += 1
        self.entered.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(3600)
        await asyncio.sleep(3600)
        return 0


class SlowToEnd:
    """A call that, once cancelled, takes `cleanup_s` to end (closing a connection)."""

    def __init__(self, cleanup_s: float) -> None:
        self.cleanup_s = cleanup_s
        self.entered = asyncio.Event()
        self.cleaning = asyncio.Event()

    async def __call__(self, *_: object) -> int:
        self.entered.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.cleaning.set()
            await asyncio.sleep(self.cleanup_s)
            raise
        return 0


async def ended(work: Awaitable[T]) -> asyncio.Task[T]:
    """`work` run to its end in a task of its own; fails if it runs past `BOUND_S`. Never
    cancelled from here: that cancel could be what ends it."""
    task = asyncio.ensure_future(work)
    await asyncio.wait({task}, timeout=BOUND_S)
    assert task.done(), "still running past its bound"
    return task


async def _caller_cancelled_while_it_stops(
    stop: Callable[[], Awaitable[None]], cleaning: asyncio.Event
) -> None:
    """Cancel a task while it waits in `stop()`: the cancel must reach that task."""
    went_on = False

    async def stopper() -> None:
        nonlocal went_on
        await stop()
        went_on = True

    task = asyncio.create_task(stopper())
    async with asyncio.timeout(BOUND_S):
        await cleaning.wait()
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not went_on


# -- the sweeper (the worker's SIGTERM, the embedded API's shutdown) --------------------


async def test_a_sweep_whose_driver_returns_instead_of_cancelling_ends_the_sweeper():
    sweep = RacingDriver()
    sweeper = SweeperLoop(sweep, interval_s=0.01)
    sweeper.start()
    task = sweeper._task
    async with asyncio.timeout(BOUND_S):
        await sweep.entered.wait()
    sweep.answer()
    await ended(sweeper.stop())  # its cancel comes before the sweeper runs again
    assert task is not None and task.done()
    assert sweep.calls == 1  # the loop noticed: no sweep after its stop


async def test_a_sweep_that_drops_the_cancel_and_goes_on_still_lets_stop_return():
    sweep = DroppingDriver()
    sweeper = SweeperLoop(sweep, interval_s=0.01)
    sweeper.start()
    task = sweeper._task
    async with asyncio.timeout(BOUND_S):
        await sweep.entered.wait()
    await ended(sweeper.stop())
    assert task is not None and task.cancelled()  # the cancel repeated ended it


async def test_the_sweepers_stop_does_not_swallow_its_callers_cancel():
    sweep = SlowToEnd(cleanup_s=0.5)
    sweeper = SweeperLoop(sweep, interval_s=0.01)
    sweeper.start()
    async with asyncio.timeout(BOUND_S):
        await sweep.entered.wait()
    await _caller_cancelled_while_it_stops(sweeper.stop, sweep.cleaning)


# -- the worker (`psi worker`) ----------------------------------------------------------


async def test_the_workers_drain_cancels_again_a_job_that_dropped_the_cancel():
    job = DroppingDriver()
    running = _Running(job)
    delivery = asyncio.create_task(running(uuid4()))
    async with asyncio.timeout(BOUND_S):
        await job.entered.wait()
    await ended(running.finish(0, asyncio.Event()))
    assert delivery.cancelled()


class Backlog(RacingDriver):
    async def backlog(self, now_ms: int) -> tuple[int, float | None]:
        return await self(), None


async def test_the_backlog_watch_ends_when_redis_drops_its_cancel():
    queue = Backlog()
    watch = asyncio.create_task(_watch_backlog(queue))  # type: ignore[arg-type]
    async with asyncio.timeout(BOUND_S):
        await queue.entered.wait()
    queue.answer()
    watch.cancel()
    assert (await ended(watch)).cancelled()
    assert queue.calls == 1


# -- the embedded profile's queue (the API's shutdown) ----------------------------------


async def test_the_in_process_queue_stops_within_its_bound_with_a_job_that_never_ends():
    job = DroppingDriver()
    queue = InProcessQueue()
    queue.bind(job)
    await queue.start()
    await queue.enqueue(uuid4())
    async with asyncio.timeout(BOUND_S):
        await job.entered.wait()
    await ended(queue.stop())
    assert job.calls == 1


# -- the scheduler (`psi jobs`) ---------------------------------------------------------


def _scheduler(tmp_path, stop: asyncio.Event, job: Job) -> asyncio.Task[None]:
    settings = load_settings({}, var_dir=tmp_path)
    return asyncio.create_task(run_scheduler(settings, stop, [job], tick_s=0.01))


async def test_stopping_the_scheduler_cancels_the_running_job(tmp_path):
    job, stop = SlowToEnd(cleanup_s=0), asyncio.Event()
    scheduler = _scheduler(tmp_path, stop, Job("cancel-test-slow", 3600, job))
    async with asyncio.timeout(BOUND_S):
        await job.entered.wait()
    stop.set()
    (await ended(scheduler)).result()
    assert job.cleaning.is_set()


async def test_a_job_that_drops_the_cancel_still_lets_the_scheduler_stop(tmp_path):
    job, stop = DroppingDriver(), asyncio.Event()
    scheduler = _scheduler(tmp_path, stop, Job("cancel-test-drops", 3600, job))
    async with asyncio.timeout(BOUND_S):
        await job.entered.wait()
    stop.set()
    (await ended(scheduler)).result()
    assert job.calls == 1


async def test_a_cancelled_scheduler_cancels_its_job_and_ends_cancelled(tmp_path):
    job, stop = RacingDriver(), asyncio.Event()
    scheduler = _scheduler(tmp_path, stop, Job("cancel-test-race", 0, job))
    async with asyncio.timeout(BOUND_S):
        await job.entered.wait()
    job.answer()
    scheduler.cancel()  # before the job runs again: a wait_for under it would lose it
    assert (await ended(scheduler)).cancelled()
    assert job.calls == 1  # no job ran after the cancel


# -- waits bounded with asyncio.timeout, not wait_for -----------------------------------


async def test_a_readiness_check_cancelled_as_its_store_answers_ends_cancelled():
    answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
    asked = asyncio.Event()

    async def check() -> str | None:
        asked.set()
        return await answer

    readiness = Readiness(5.0)
    readiness.advise("store", check)
    warnings = asyncio.create_task(readiness.warnings())
    async with asyncio.timeout(BOUND_S):
        await asked.wait()
    answer.set_result(None)
    warnings.cancel()  # before warnings() runs again: asyncio.wait_for would return
    assert (await ended(warnings)).cancelled()
