"""`psi wellness-retention`: seal emotion hours past 30 days, delete raw samples past 90.

Run once (cron, `just jobs`) or with `--every SECONDS` as its own small scheduler (`psi
jobs`' scheduler with this one job: SIGTERM cancels a run in progress).
Each run does bounded work (batches of `--batch-size`, at most `--max-batches`
of them per step) and is idempotent, so overlapping or repeated runs are safe.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from functools import partial

from dishka import Provider, Scope, provide

from application.ports.clock import Clock
from application.ports.wellness import EmotionSeries
from application.wellness.retention import RetentionReport, RunSeriesRetention
from entrypoints.container import build_container
from entrypoints.jobs.scheduler import Job, run_scheduler
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings, load_settings

log = logging.getLogger("psi.jobs.wellness")


class _RetentionOptions(Provider):
    scope = Scope.APP

    def __init__(self, batch_size: int, max_batches: int) -> None:
        super().__init__()
        self._batch_size = batch_size
        self._max_batches = max_batches

    @provide(override=True)
    def retention(self, series: EmotionSeries, clock: Clock) -> RunSeriesRetention:
        return RunSeriesRetention(
            series, clock, batch_size=self._batch_size, max_batches=self._max_batches
        )


async def run_retention(
    settings: Settings, *, clock: Clock | None = None, batch_size: int = 500, max_batches: int = 100
) -> RetentionReport:
    container = build_container(
        settings, clock=clock, extra=(_RetentionOptions(batch_size, max_batches),)
    )
    try:
        job = await container.get(RunSeriesRetention)
        report = await job()
    finally:
        await container.close()
    log.info(
        "wellness retention: sealed %d hours, deleted %d raw samples%s",
        report.sealed_hours,
        report.deleted_raw,
        "" if report.finished else " (more left for the next run)",
    )
    return report


async def run_every(settings: Settings, every_s: float, stop: asyncio.Event, **options) -> None:
    """`psi jobs`' scheduler with this one job: a failed run is logged and retried at the
    next turn; `stop` cancels a run in progress (it is idempotent)."""
    job = Job("wellness-retention", every_s, partial(run_retention, **options))
    await run_scheduler(settings, stop, [job], tick_s=min(5.0, every_s))


def _main(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    options = {"batch_size": args.batch_size, "max_batches": args.max_batches}

    async def main() -> None:
        if args.every is None:
            await run_retention(settings, **options)
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_every(settings, args.every, stop, **options)

    asyncio.run(main())
    return 0


def register(subparsers, groups) -> None:
    p = subparsers.add_parser(
        "wellness-retention",
        help="seal emotion hours older than 30 days, delete raw samples older than 90",
    )
    p.add_argument(
        "--every",
        type=float,
        default=None,
        metavar="SECONDS",
        help="keep running, once per interval (default: run once and exit)",
    )
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument(
        "--max-batches",
        type=int,
        default=100,
        help="per step and run; the rest waits for the next run",
    )
    p.set_defaults(func=_main)


if __name__ == "__main__":
    from entrypoints.cli import main as cli_main

    sys.exit(cli_main(["wellness-retention", *sys.argv[1:]]))
