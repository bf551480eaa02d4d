"""`psi jobs --only expire-subscriptions`: expire paid subscriptions whose period ended more
than the grace period ago with no word from the payment provider (a missed webhook)."""

from __future__ import annotations

from application.accounts.subscriptions import ExpireLapsedSubscriptions
from application.ports.clock import Clock
from entrypoints.container import build_container
from entrypoints.settings import Settings


async def run_expire_subscriptions(settings: Settings, *, clock: Clock | None = None) -> int:
    container = build_container(settings, clock=clock)
    try:
        # A unit of work like a request: account use cases live in that scope.
        async with container() as job:
            return await (await job.get(ExpireLapsedSubscriptions))()
    finally:
        await container.close()
