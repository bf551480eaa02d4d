"""Scheduled upkeep of the emotion series: seal hours past 30 days, delete raw past 90.

Hourly aggregates are kept up to date at ingestion; once an hour is 30 days old
it is recomputed from its raw points and sealed, so the long-term history is
exact before the raw points disappear at 90 days. Both steps work in bounded
batches and are idempotent: a second run finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.wellness import EmotionSeries
from domain.wellness.series import (
    EmotionAggregate,
    Resolution,
    aggregate_points,
    delete_cutoff,
    downsample_cutoff,
)

HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    sealed_hours: int
    deleted_raw: int
    finished: bool  # False when the batch budget ran out before the work did


@dataclass(slots=True)
class RunSeriesRetention:
    series: EmotionSeries
    clock: Clock
    batch_size: int = 500
    max_batches: int = 100

    async def __call__(self) -> RetentionReport:
        now = self.clock.now()
        sealed, seal_done = await self._seal(downsample_cutoff(now))
        deleted, delete_done = await self._delete(delete_cutoff(now))
        return RetentionReport(
            sealed_hours=sealed, deleted_raw=deleted, finished=seal_done and delete_done
        )

    async def _seal(self, cutoff) -> tuple[int, bool]:
        sealed = 0
        for _ in range(self.max_batches):
            pending = await self.series.unsealed_hours(cutoff, self.batch_size)
            for user_id, start in pending:
                points = await self.series.raw(user_id, start, start + HOUR)
                if points:
                    (aggregate,) = aggregate_points(points, Resolution.HOUR)
                else:  # raw already gone: the incremental aggregate is all there is
                    aggregate = EmotionAggregate(
                        user_id=user_id, start=start, resolution=Resolution.HOUR
                    )
                    for existing in await self.series.hours(user_id, start, start + HOUR):
                        aggregate.add_aggregate(existing)
                await self.series.seal_hour(aggregate)
                sealed += 1
            if len(pending) < self.batch_size:
                return sealed, True
        return sealed, False

    async def _delete(self, cutoff) -> tuple[int, bool]:
        deleted = 0
        for _ in range(self.max_batches):
            n = await self.series.delete_raw_before(cutoff, self.batch_size)
            deleted += n
            if n < self.batch_size:
                return deleted, True
        return deleted, False
