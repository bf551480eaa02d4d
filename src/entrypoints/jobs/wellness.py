"""`psi wellness-retention`: seal emotion hours past 30 days, delete raw samples past 90.

Run once (cron, `just jobs`) or with `--every SECONDS` as its own small scheduler (`psi
jobs`' scheduler with this one job: SIGTERM cancels a run in progress).
Each run works in short batches until done or until its budget is spent
(`PSI_RETENTION_BUDGET_S`, or `--budget-s`; `--max-batches` caps it further), and is
idempotent, so overlapping or repeated runs are safe. A run that leaves work behind
says so with a warning: a backlog that outgrows the budget run after run needs a
larger budget (or the partitioning plan in docs/operations.md, "Scaling").
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
from application.wellness.retention import Budget, RetentionReport, RunSeriesRetention
from entrypoints.container import build_container
from entrypoints.jobs.scheduler import Job, run_scheduler
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings, load_settings

log = logging.getLogger("psi.jobs.wellness")


class _BatchSizes(Provider):
    scope = Scope.APP

    def __init__(self, seal_batch: int | None, delete_batch: int | None) -> None:
        super().__init__()
        self._seal_batch = seal_batch
        self._delete_batch = delete_batch

    @provide(override=True)
    def retention(
        self, series: EmotionSeries, clock: Clock, settings: Settings
    ) -> RunSeriesRetention:
        sizes = {"seal_batch": self._seal_batch, "delete_batch": self._delete_batch}
        return RunSeriesRetention(
            series,
            clock,
            budget_s=settings.retention_budget_s,
            **{k: v for k, v in sizes.items() if v is not None},
        )


async def run_retention(
    settings: Settings,
    *,
    clock: Clock | None = None,
    budget_s: float | None = None,
    max_batches: int | None = None,
    seal_batch: int | None = None,
    delete_batch: int | None = None,
) -> RetentionReport:
    sizes = (
        ()
        if seal_batch is None and delete_batch is None
        else (_BatchSizes(seal_batch, delete_batch),)
    )
    container = build_container(settings, clock=clock, extra=sizes)
    budget = Budget(settings.retention_budget_s if budget_s is None else budget_s, max_batches)
    try:
        job = await container.get(RunSeriesRetention)
        report = await job(budget)
    finally:
        await container.close()
    log.info(
        "wellness retention: sealed %d hours, deleted %d raw samples",
        report.sealed_hours,
        report.deleted_raw,
    )
    if not report.finished:
        log.warning(
            "wellness retention left work for the next run (budget %.0f s%s): sealing %s, "
            "deletion %s; a backlog that stays needs a larger PSI_RETENTION_BUDGET_S",
            budget.seconds,
            "" if max_batches is None else f", {max_batches} batches",
            "done" if report.sealing_done else "unfinished",
            "done" if report.deleting_done else "unfinished",
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
    options = {
        "budget_s": args.budget_s,
        "max_batches": args.max_batches,
        "seal_batch": args.seal_batch,
        "delete_batch": args.delete_batch,
    }

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
    p.add_argument(
        "--budget-s",
        type=float,
        default=None,
        help="seconds a run may work (default: PSI_RETENTION_BUDGET_S, 120)",
    )
    p.add_argument(
        "--max-batches",
        type=int,
        default=None,
        help="at most this many batches per run, both steps together (default: no cap)",
    )
    p.add_argument("--seal-batch", type=int, default=None, help="hours per batch (2,000)")
    p.add_argument("--delete-batch", type=int, default=None, help="raw samples per batch (20,000)")
    p.set_defaults(func=_main)


if __name__ == "__main__":
    from entrypoints.cli import main as cli_main

    sys.exit(cli_main(["wellness-retention", *sys.argv[1:]]))
