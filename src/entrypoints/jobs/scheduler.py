"""`psi jobs`: the scheduled-jobs process. Runs each job on its interval, one at a time,
until SIGTERM/SIGINT; a job that fails is logged and retried at its next turn.

Every job is idempotent and bounded, so running several schedulers (or restarting one
mid-job) is safe. That is why SIGTERM/SIGINT cancel the job running then (its next run
does the rest) and the process ends within `JOB_STOP_S`, `--once` too (exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import msgspec
import structlog

from application.cancellation import cancel_and_wait
from entrypoints.logging import announce, configure_logging, exception_fields
from entrypoints.metrics import JOB_DURATION, JOB_RUNS
from entrypoints.metrics import serve as serve_metrics
from entrypoints.settings import Settings, load_settings
from entrypoints.tracing import configure_tracing

log = structlog.get_logger("psi.jobs")
JOB_STOP_S = 5.0  # stopping: the most a cancelled job is waited for


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_s: float
    run: Callable[[Settings], Coroutine[Any, Any, object]]


async def _wellness_retention(settings: Settings) -> object:
    from entrypoints.jobs.wellness import run_retention

    return await run_retention(settings)


async def _purge_deleted(settings: Settings) -> object:
    from entrypoints.jobs.privacy import run_purge

    return await run_purge(settings)


async def _audit_retention(settings: Settings) -> object:
    from entrypoints.jobs.privacy import run_audit_retention

    return await run_audit_retention(settings)


async def _expire_subscriptions(settings: Settings) -> object:
    from entrypoints.jobs.accounts import run_expire_subscriptions

    return await run_expire_subscriptions(settings)


JOBS: list[Job] = [
    Job("wellness-retention", 3600, _wellness_retention),
    Job("purge-deleted-accounts", 3600, _purge_deleted),
    Job("audit-retention", 24 * 3600, _audit_retention),
    Job("expire-subscriptions", 3600, _expire_subscriptions),
]


async def run_scheduler(
    settings: Settings, stop: asyncio.Event, jobs: list[Job] | None = None, tick_s: float = 5.0
) -> None:
    """Run the jobs as they fall due until `stop` is set (see the module's docstring)."""
    jobs = jobs or JOBS
    due = {job.name: 0.0 for job in jobs}
    stopped = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            for job in jobs:
                if stop.is_set():
                    break
                if time.monotonic() < due[job.name]:
                    continue
                started = time.perf_counter()
                run = await run_until_stopped(job, settings, stopped)
                if not run.done() or (run.cancelled() and stop.is_set()):
                    break  # stopped; what the job left undone, its next run does
                failure = asyncio.CancelledError() if run.cancelled() else run.exception()
                if failure is None:
                    log.info(
                        "job_done",
                        job=job.name,
                        seconds=round(time.perf_counter() - started, 3),
                        result=repr(run.result())[:300],
                    )
                    JOB_RUNS.labels(job.name, "ok").inc()
                else:
                    log.error("job_failed", job=job.name, **exception_fields(failure))
                    JOB_RUNS.labels(job.name, "failed").inc()
                JOB_DURATION.labels(job.name).observe(time.perf_counter() - started)
                due[job.name] = time.monotonic() + job.every_s
            # asyncio.wait, not wait_for: it never lets a cancel of this task pass.
            await asyncio.wait({stopped}, timeout=tick_s)
    finally:
        stopped.cancel()


async def run_until_stopped(
    job: Job, settings: Settings, stopped: asyncio.Future[Any]
) -> asyncio.Task[object]:
    """Run `job` in a task of its own until it ends or `stopped` is done (or this task is
    cancelled); then cancel it, `JOB_STOP_S` at most. The job's task, still running only
    if it outlived that."""
    run = asyncio.create_task(job.run(settings), name=f"psi-job-{job.name}")
    try:
        await asyncio.wait({run, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not run.done():
            log.warning("job_stopped", job=job.name)
            if await cancel_and_wait({run}, JOB_STOP_S):
                log.error("job_left_running", job=job.name, seconds=JOB_STOP_S)
    return run


def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    configure_tracing(settings, role="jobs")
    if args.metrics_port is not None:
        settings = msgspec.structs.replace(settings, metrics_port=args.metrics_port)
        serve_metrics(args.metrics_port, settings.metrics_host)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        selected = [j for j in JOBS if not args.only or j.name in args.only]
        if args.once:
            stopped = asyncio.ensure_future(stop.wait())
            try:
                for job in selected:
                    run = await run_until_stopped(job, settings, stopped)
                    if not run.done() or (run.cancelled() and stop.is_set()):
                        return 1
                    announce("job_done", job=job.name, result=repr(run.result())[:300])
            finally:
                stopped.cancel()
            return 0
        await run_scheduler(settings, stop, selected)
        return 0

    return asyncio.run(main())


def register(subparsers, groups) -> None:
    p = subparsers.add_parser("jobs", help="run the scheduled jobs (retention, purge, ...)")
    p.add_argument("--once", action="store_true", help="run each job once and exit")
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve Prometheus metrics of this process on this port",
    )
    p.add_argument(
        "--only",
        action="append",
        choices=[job.name for job in JOBS],
        help="job name to run (repeatable)",
    )
    p.set_defaults(func=_main)
