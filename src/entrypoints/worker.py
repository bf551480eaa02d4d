"""`psi worker` (`just worker`): the food analysis worker process.

Consumes the Redis stream of analysis jobs (production profile), runs each with
a lease it keeps renewing, acknowledges a message after the result is committed,
and sweeps now and then for analyses whose worker died (lease expired) or whose
job was lost. SIGTERM/SIGINT stop it; jobs cut short are taken again later.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from dataclasses import dataclass

from dishka import Provider, Scope, provide

from adapters.queue.sweeper import SweeperLoop
from adapters.queue.taskiq_queue import TaskiqAnalysisQueue
from application.food.processing import JobPolicy, RunAnalysisJob, SweepUnfinished
from entrypoints.container import build_container
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings, load_settings

log = logging.getLogger("psi.worker")
READY_LINE = "psi worker ready"
SHUTDOWN_GRACE_S = 5.0


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    concurrency: int = 4
    lease_s: float = 60.0
    sweep_interval_s: float = 15.0
    max_attempts: int = 3
    backoff_s: float = 1.0


class _PolicyProvider(Provider):
    scope = Scope.APP

    def __init__(self, policy: JobPolicy) -> None:
        super().__init__()
        self._policy = policy

    @provide
    def policy(self) -> JobPolicy:
        return self._policy


async def run_worker(settings: Settings, options: WorkerOptions,
                     stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    policy = JobPolicy(lease_s=options.lease_s, max_attempts=options.max_attempts,
                       backoff_s=options.backoff_s)
    container = build_container(settings, extra=(_PolicyProvider(policy),))
    try:
        queue = await container.get(TaskiqAnalysisQueue)
        if queue.in_process:
            raise SystemExit("psi worker needs the production queue: set PSI_REDIS_URL")
        queue.bind(await container.get(RunAnalysisJob))
        sweeper = SweeperLoop(await container.get(SweepUnfinished), options.sweep_interval_s)
        consumer = asyncio.create_task(queue.consume(options.concurrency), name="psi-consumer")
        sweeper.start()
        print(READY_LINE, flush=True)
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({consumer, waiter}, return_when=asyncio.FIRST_COMPLETED)
        await sweeper.stop()
        for task in (consumer, waiter):
            task.cancel()
        # taskiq's prefetcher can sit in a blocking stream read that ignores the first
        # cancellation; jobs cut short are taken again (lease + sweeper), so do not wait long.
        await asyncio.wait({consumer, waiter}, timeout=SHUTDOWN_GRACE_S)
    finally:
        await container.close()


def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    options = WorkerOptions(concurrency=args.concurrency, lease_s=args.lease_seconds,
                            sweep_interval_s=args.sweep_interval,
                            max_attempts=args.max_attempts, backoff_s=args.backoff)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, options, stop)

    asyncio.run(main())
    return 0


def register(subparsers, groups) -> None:
    defaults = WorkerOptions()
    p = subparsers.add_parser("worker", help="run the food analysis worker (production queue)")
    p.add_argument("--concurrency", type=int, default=defaults.concurrency,
                   help="jobs run at once (default 4)")
    p.add_argument("--lease-seconds", type=float, default=defaults.lease_s,
                   help="how long a job's claim lasts without a heartbeat (default 60)")
    p.add_argument("--sweep-interval", type=float, default=defaults.sweep_interval_s,
                   help="seconds between sweeps for stuck analyses (default 15)")
    p.add_argument("--max-attempts", type=int, default=defaults.max_attempts)
    p.add_argument("--backoff", type=float, default=defaults.backoff_s,
                   help="first retry delay in seconds, doubled per attempt (default 1)")
    p.set_defaults(func=_main)


if __name__ == "__main__":
    from entrypoints.cli import main as cli_main

    sys.exit(cli_main(["worker", *sys.argv[1:]]))
