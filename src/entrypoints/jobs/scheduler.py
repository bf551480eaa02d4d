"""`psi jobs`: the scheduled-jobs process. Runs each job on its interval, one at a time,
until SIGTERM/SIGINT; a job that fails is logged and retried at its next turn.

Every job is idempotent and bounded, so running several schedulers (or restarting one
mid-job) is safe.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
import structlog

from entrypoints.logging import announce, configure_logging, exception_fields
from entrypoints.metrics import JOB_DURATION, JOB_RUNS
from entrypoints.metrics import serve as serve_metrics
from entrypoints.settings import Settings, load_settings
from entrypoints.tracing import configure_tracing

log = structlog.get_logger("psi.jobs")


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    every_s: float
    run: Callable[[Settings], Awaitable[object]]


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
    jobs = jobs or JOBS
    due = {job.name: 0.0 for job in jobs}
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if time.monotonic() < due[job.name]:
                continue
            started = time.perf_counter()
            try:
                result = await job.run(settings)
                log.info(
                    "job_done",
                    job=job.name,
                    seconds=round(time.perf_counter() - started, 3),
                    result=repr(result)[:300],
                )
                JOB_RUNS.labels(job.name, "ok").inc()
            except Exception as exc:
                log.error("job_failed", job=job.name, **exception_fields(exc))
                JOB_RUNS.labels(job.name, "failed").inc()
            JOB_DURATION.labels(job.name).observe(time.perf_counter() - started)
            due[job.name] = time.monotonic() + job.every_s
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), tick_s)


def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    configure_tracing(settings, role="jobs")
    if args.metrics_port is not None:
        settings = msgspec.structs.replace(settings, metrics_port=args.metrics_port)
        serve_metrics(args.metrics_port, settings.metrics_host)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        selected = [j for j in JOBS if not args.only or j.name in args.only]
        if args.once:
            for job in selected:
                result = await job.run(settings)
                announce("job_done", job=job.name, result=repr(result)[:300])
            return
        await run_scheduler(settings, stop, selected)

    asyncio.run(main())
    return 0


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
