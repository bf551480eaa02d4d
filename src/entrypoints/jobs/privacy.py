"""`psi purge-deleted`: hard-delete accounts whose 30-day grace period has passed."""

from __future__ import annotations

import argparse
import asyncio
import json

from application.ports.clock import Clock
from application.privacy.deletion import ExpireAuditEvents, PurgeDeletedAccounts, PurgeReport
from entrypoints.container import build_container
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings, load_settings


async def run_purge(
    settings: Settings, *, clock: Clock | None = None, max_accounts: int = 100
) -> PurgeReport:
    container = build_container(settings, clock=clock)
    try:
        # A unit of work like a request: account use cases live in that scope.
        async with container() as job:
            purge = await job.get(PurgeDeletedAccounts)
            return await purge(max_accounts=max_accounts)
    finally:
        await container.close()


async def run_audit_retention(settings: Settings, *, clock: Clock | None = None) -> int:
    container = build_container(settings, clock=clock)
    try:
        return await (await container.get(ExpireAuditEvents))()
    finally:
        await container.close()


def _cli(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_json)
    report = asyncio.run(run_purge(settings, max_accounts=args.max_accounts))
    print(
        json.dumps(
            {"accounts": report.accounts, "deleted": report.deleted, "complete": report.complete}
        )
    )
    return 0


def register(sub: argparse._SubParsersAction, groups: dict) -> None:
    p = sub.add_parser("purge-deleted", help="hard-delete accounts past their grace period")
    p.add_argument("--max-accounts", type=int, default=100)
    p.set_defaults(func=_cli)
