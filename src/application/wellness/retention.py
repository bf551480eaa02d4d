"""Scheduled upkeep of the emotion series: seal hours past 30 days, delete raw past 90.

Hourly aggregates are kept up to date at ingestion; once an hour is 30 days old
it is recomputed from its raw points and sealed, so the long-term history is
exact before the raw points disappear at 90 days. A run works in batches, each a
short step of its own (one transaction on SQL stores), until the work is done or
its budget is spent; the rest waits for the next run. Both steps are idempotent: a
second run finds nothing left to do.

Raw points go only once their hour is sealed: deletion stops at the oldest hour
still unsealed, so a sealing backlog holds deletion back rather than let an hour
lose its raw points unsealed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from application.ports.clock import Clock
from application.ports.wellness import EmotionSeries
from domain.wellness.series import delete_cutoff, downsample_cutoff

DEFAULT_BUDGET_S = 120.0


@dataclass(slots=True)
class Budget:
    """How long one run may go on: seconds on a monotonic timer and, optionally, at most
    a number of batches (one-off runs; tests, which never wait on time)."""

    seconds: float
    batches: int | None = None
    timer: Callable[[], float] = time.monotonic
    _deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self._deadline = self.timer() + self.seconds

    def take(self) -> bool:
        """Whether another batch may start (it is counted if so)."""
        if self.timer() >= self._deadline:
            return False
        if self.batches is not None:
            if self.batches <= 0:
                return False
            self.batches -= 1
        return True


@dataclass(frozen=True, slots=True)
class RetentionReport:
    sealed_hours: int
    deleted_raw: int
    sealing_done: bool
    deleting_done: bool  # False also when deletion waited for hours still unsealed

    @property
    def finished(self) -> bool:
        """Nothing was left for the next run when this one ended."""
        return self.sealing_done and self.deleting_done


@dataclass(slots=True)
class RunSeriesRetention:
    series: EmotionSeries
    clock: Clock
    budget_s: float = DEFAULT_BUDGET_S
    seal_batch: int = 2_000  # hours per batch
    delete_batch: int = 20_000  # raw points per batch

    async def __call__(self, budget: Budget | None = None) -> RetentionReport:
        budget = Budget(self.budget_s) if budget is None else budget
        now = self.clock.now()
        sealed, sealing_done = await self._seal(downsample_cutoff(now), budget)
        cutoff, held_back = await self._delete_cutoff(now)
        deleted, deleting_done = await self._delete(cutoff, budget)
        return RetentionReport(
            sealed_hours=sealed,
            deleted_raw=deleted,
            sealing_done=sealing_done,
            deleting_done=deleting_done and not held_back,
        )

    async def _seal(self, cutoff: datetime, budget: Budget) -> tuple[int, bool]:
        sealed = 0
        while budget.take():
            n = await self.series.seal_hours(cutoff, self.seal_batch)
            sealed += n
            if n < self.seal_batch:
                return sealed, True
        return sealed, False

    async def _delete_cutoff(self, now: datetime) -> tuple[datetime, bool]:
        """The delete cutoff, held back to the oldest hour still unsealed before it."""
        cutoff = delete_cutoff(now)
        oldest = await self.series.unsealed_hours(cutoff, 1)
        return (oldest[0][1], True) if oldest else (cutoff, False)

    async def _delete(self, cutoff: datetime, budget: Budget) -> tuple[int, bool]:
        deleted = 0
        while budget.take():
            n = await self.series.delete_raw_before(cutoff, self.delete_batch)
            deleted += n
            if n < self.delete_batch:
                return deleted, True
        return deleted, False
