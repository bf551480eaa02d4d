"""`psi worker` (`just worker`): the food analysis worker process.

Consumes the Redis stream of analysis jobs (production profile), runs each with
a lease it keeps renewing, acknowledges a message after the result is committed,
and sweeps now and then for analyses whose worker died (lease expired) or whose
job was lost.

SIGTERM/SIGINT stop it gracefully: it takes no new job, lets the jobs it is running
finish (and be acknowledged) for up to `--drain-seconds`, then exits 0. A job still
running after that, or after a second signal, is cancelled un-acknowledged: its lease
expires and it is taken again (sweeper, pending-message claim), like a crashed worker's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from dataclasses import dataclass
from uuid import UUID

import msgspec
import structlog
from dishka import Provider, Scope, provide

from adapters.queue.redis_stream import RedisStreamQueue
from adapters.queue.sweeper import SweeperLoop
from application.cancellation import cancel_and_wait, raise_if_cancelled
from application.food.processing import JobPolicy, RunAnalysisJob, SweepUnfinished
from application.ports.food import JobHandler
from entrypoints.container import build_container
from entrypoints.logging import announce, configure_logging
from entrypoints.metrics import ANALYSES, ANALYSIS_DURATION, QUEUE_DEPTH, QUEUE_OLDEST_AGE
from entrypoints.metrics import serve as serve_metrics
from entrypoints.settings import Settings, load_settings
from entrypoints.tracing import configure_tracing

log = logging.getLogger("psi.worker")
READY_LINE = "psi worker ready"
SHUTDOWN_GRACE_S = 5.0
RECLAIM_LEASES = 1.5


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    concurrency: int = 4
    lease_s: float = 60.0
    sweep_interval_s: float = 15.0
    max_attempts: int = 3
    backoff_s: float = 1.0
    drain_s: float = 25.0  # under the usual 30 s between SIGTERM and SIGKILL


class _PolicyProvider(Provider):
    scope = Scope.APP

    def __init__(self, policy: JobPolicy) -> None:
        super().__init__()
        self._policy = policy

    @provide
    def policy(self) -> JobPolicy:
        return self._policy


class _Running:
    """The job handler, keeping the tasks that run jobs: each is the consumer's task for
    one delivery, which acknowledges it after the handler returned."""

    def __init__(self, handler: JobHandler) -> None:
        self._handler = handler
        self.tasks: set[asyncio.Task] = set()

    async def __call__(self, analysis_id: UUID) -> None:
        task = asyncio.current_task()
        if task is not None and task not in self.tasks:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        # Each delivery runs in its own task: the job's log lines carry its id.
        structlog.contextvars.bind_contextvars(analysis_id=str(analysis_id))
        started = time.perf_counter()
        outcome = "error"
        try:
            await self._handler(analysis_id)
            outcome = "done"
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            ANALYSES.labels(outcome).inc()
            ANALYSIS_DURATION.observe(time.perf_counter() - started)

    async def finish(self, timeout_s: float, abort: asyncio.Event) -> None:
        """Wait for the running jobs (at most `timeout_s`, or until `abort`), then cancel
        what is left: those stay un-acknowledged and are taken again later."""
        if self.tasks and not abort.is_set():
            log.info("finishing %d running jobs", len(self.tasks))
            all_done = asyncio.ensure_future(asyncio.wait(set(self.tasks)))
            aborted = asyncio.ensure_future(abort.wait())
            await asyncio.wait(
                {all_done, aborted}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in (all_done, aborted):
                waiter.cancel()
        left = set(self.tasks)
        if left:
            log.warning("cancelling %d unfinished jobs (re-queued later)", len(left))
            # A job's driver may drop the cancel (wait_for on 3.11): it is repeated.
            if await cancel_and_wait(left, SHUTDOWN_GRACE_S):
                log.warning("jobs still running %.0f s after their cancel", SHUTDOWN_GRACE_S)


async def run_worker(
    settings: Settings,
    options: WorkerOptions,
    stop: asyncio.Event | None = None,
    abort: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set, then drain (see the module docstring); `abort` (a second
    signal) cuts the drain short."""
    stop = stop or asyncio.Event()
    abort = abort or asyncio.Event()
    policy = JobPolicy(
        lease_s=options.lease_s, max_attempts=options.max_attempts, backoff_s=options.backoff_s
    )
    if settings.redis_url is None:
        raise SystemExit("psi worker needs the production queue: set PSI_REDIS_URL")
    container = build_container(settings, extra=(_PolicyProvider(policy),))
    try:
        queue = await container.get(RedisStreamQueue)
        running = _Running(await container.get(RunAnalysisJob))
        queue.bind(running)
        sweeper = SweeperLoop(await container.get(SweepUnfinished), options.sweep_interval_s)
        # A delivery left idle for a lease and a half belongs to a worker that died (its
        # lease ran out as well): the consumer takes it over and runs the job again.
        consumer = asyncio.create_task(
            queue.consume(options.concurrency, reclaim_idle_s=RECLAIM_LEASES * options.lease_s),
            name="psi-consumer",
        )
        sweeper.start()
        watch = asyncio.create_task(_watch_backlog(queue), name="psi-backlog")
        announce(READY_LINE)
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({consumer, waiter}, return_when=asyncio.FIRST_COMPLETED)
        await sweeper.stop()
        watch.cancel()
        # No new jobs: the consumer stops reading; the jobs it started are tasks of their
        # own and run on to their end (result committed, then the message acknowledged).
        for task in (consumer, waiter):
            task.cancel()
        await running.finish(options.drain_s, abort)
        # The consumer ends after the stream read in flight (at most a second), giving
        # back what it brought; jobs cut short are taken again (reclaim, lease + sweeper).
        await asyncio.wait({consumer, waiter}, timeout=SHUTDOWN_GRACE_S)
    finally:
        await container.close()


BACKLOG_EVERY_S = 5.0


async def _watch_backlog(queue: RedisStreamQueue) -> None:
    """Keep the queue-depth gauges current (read by the metrics endpoint)."""
    while True:
        with contextlib.suppress(Exception):  # a store outage shows in the other metrics
            depth, oldest_s = await queue.backlog(int(time.time() * 1000))
            QUEUE_DEPTH.set(depth)
            QUEUE_OLDEST_AGE.set(oldest_s or 0.0)
        raise_if_cancelled()  # redis-py may have let the cancel pass as a normal return
        await asyncio.sleep(BACKLOG_EVERY_S)


def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    configure_tracing(settings, role="worker")
    if args.metrics_port is not None:
        settings = msgspec.structs.replace(settings, metrics_port=args.metrics_port)
        serve_metrics(args.metrics_port, settings.metrics_host)
    options = WorkerOptions(
        concurrency=args.concurrency,
        lease_s=args.lease_seconds,
        sweep_interval_s=args.sweep_interval,
        max_attempts=args.max_attempts,
        backoff_s=args.backoff,
        drain_s=args.drain_seconds,
    )

    async def main() -> None:
        stop, abort = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            (abort if stop.is_set() else stop).set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, on_signal)
        await run_worker(settings, options, stop, abort)

    asyncio.run(main())
    return 0


def register(subparsers, groups) -> None:
    defaults = WorkerOptions()
    p = subparsers.add_parser("worker", help="run the food analysis worker (production queue)")
    p.add_argument(
        "--concurrency", type=int, default=defaults.concurrency, help="jobs run at once (default 4)"
    )
    p.add_argument(
        "--lease-seconds",
        type=float,
        default=defaults.lease_s,
        help="how long a job's claim lasts without a heartbeat (default 60)",
    )
    p.add_argument(
        "--sweep-interval",
        type=float,
        default=defaults.sweep_interval_s,
        help="seconds between sweeps for stuck analyses (default 15)",
    )
    p.add_argument("--max-attempts", type=int, default=defaults.max_attempts)
    p.add_argument(
        "--backoff",
        type=float,
        default=defaults.backoff_s,
        help="first retry delay in seconds, doubled per attempt (default 1)",
    )
    p.add_argument(
        "--drain-seconds",
        type=float,
        default=defaults.drain_s,
        help="on SIGTERM, how long running jobs may take to finish (default 25)",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve Prometheus metrics of this process on this port",
    )
    p.set_defaults(func=_main)


if __name__ == "__main__":
    from entrypoints.cli import main as cli_main

    sys.exit(cli_main(["worker", *sys.argv[1:]]))
