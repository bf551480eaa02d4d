"""Ports for biometrics, emotions and wellness."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.wellness.hrv import CleanBeats, TimeDomain
from domain.wellness.mood import MoodCheckIn
from domain.wellness.score import DailyWellness
from domain.wellness.series import (
    EmotionAggregate,
    EmotionPoint,
    EmotionReading,
    PointColumns,
    StoredPoints,
)


class HrvAnalyzer(Protocol):
    """An HRV library: the arithmetic over beats the domain has already cleaned."""

    name: str

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        """Mean HR, RMSSD, SDNN and pNN50; successive differences never span a removed beat."""
        ...

    def lf_hf(self, beats: CleanBeats) -> float | None:
        """LF/HF power ratio; only asked for windows `beats.usable_for_lf_hf` allows."""
        ...


class EmotionSeries(Protocol):
    """The emotion time series: raw points (kept 90 days) and hourly aggregates (kept)."""

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        """Store the points not stored yet, keyed by (user, source, timestamp).

        Exactly the newly stored points are folded into the hourly aggregates
        (`aggregate_points`), which also unseals those hours. Returns the new points.
        """
        ...

    async def add_columns(self, points: PointColumns) -> StoredPoints:
        """`add` for one user's batch held as columns: the same idempotency and folding
        into the hourly aggregates, in one atomic step where the store allows. Returns how
        many points were new and the UTC days they fell on."""
        ...

    async def raw(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[EmotionPoint]:
        """Points with start <= timestamp < end, oldest first."""
        ...

    async def count_raw(self, user_id: UUID, start: datetime, end: datetime) -> int: ...

    async def latest(self, user_id: UUID) -> EmotionPoint | None: ...

    async def hours(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionAggregate]:
        """Hourly aggregates with start <= hour start < end, oldest first (the domain's
        recomputations read them; the emotions page reads `EmotionHourReadings`)."""
        ...

    async def unsealed_hours(self, before: datetime, limit: int) -> list[tuple[UUID, datetime]]:
        """Up to `limit` (user, hour start) pairs older than `before` not yet recomputed,
        oldest first."""
        ...

    async def seal_hour(self, aggregate: EmotionAggregate) -> None:
        """Replace one hour's aggregate with `aggregate` (recomputed from raw) and seal it."""
        ...

    async def seal_hours(self, before: datetime, limit: int) -> int:
        """Seal up to `limit` of the oldest unsealed hours that start before `before`, each
        as `sealed_hour` makes it from its aggregate and raw points, in one short step
        (one transaction where the store has them); return how many were sealed.

        A point stored meanwhile is never lost: its hour ends up counting it, unsealed.
        """
        ...

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to `limit` raw points older than `cutoff`, oldest first, in one short
        step; return how many went."""
        ...

    async def delete_user(self, user_id: UUID) -> None:
        """Every raw point and aggregate of the user (account purge)."""
        ...


class EmotionHourReadings(Protocol):
    """The read side of the hourly emotions page: the hours' readings as shown
    (`EmotionAggregate.reading`), kept with the aggregates where the store can, so a page
    is one range read and never builds the aggregates."""

    async def hour_readings(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[EmotionReading], int]:
        """A page of the readings of the hours with start <= hour start < end, oldest
        first, and how many hours the range holds, in one round trip where the store
        allows."""
        ...


class MoodCheckIns(Protocol):
    async def add(self, check_in: MoodCheckIn) -> None: ...

    async def between(self, user_id: UUID, start: datetime, end: datetime) -> list[MoodCheckIn]:
        """Check-ins with start <= timestamp <= end, oldest first."""
        ...


class WellnessScores(Protocol):
    """`wellness_scores`: one row per user and UTC day, replaced when the day is recomputed."""

    async def put(self, user_id: UUID, day: DailyWellness, now: datetime) -> None: ...

    async def get(self, user_id: UUID, day: date) -> DailyWellness | None: ...

    async def between(self, user_id: UUID, first: date, last: date) -> list[DailyWellness]:
        """Days first..last inclusive, oldest first."""
        ...
