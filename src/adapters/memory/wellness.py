"""In-process wellness adapters: fast fakes for unit tests (not used by any profile)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.wellness.mood import MoodCheckIn
from domain.wellness.score import DailyWellness
from domain.wellness.series import (
    EmotionAggregate,
    EmotionPoint,
    EmotionReading,
    PointColumns,
    Resolution,
    StoredPoints,
    aggregate_points,
    sealed_hour,
)

HOUR = timedelta(hours=1)


class MemoryEmotionSeries:
    def __init__(self) -> None:
        self.points: dict[tuple[UUID, str, datetime], EmotionPoint] = {}
        self.aggregates: dict[tuple[UUID, datetime], EmotionAggregate] = {}

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        new = []
        for p in points:
            key = (p.user_id, p.source.value, p.timestamp)
            if key not in self.points:
                self.points[key] = p
                new.append(p)
        for partial in aggregate_points(new, Resolution.HOUR) if new else []:
            key = (partial.user_id, partial.start)
            current = self.aggregates.get(key)
            if current is None:
                self.aggregates[key] = partial
            else:
                current.add_aggregate(partial)
                current.sealed = False
        return new

    async def add_columns(self, points: PointColumns) -> StoredPoints:
        return StoredPoints.of(await self.add(points.points()))

    def _of(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionPoint]:
        return sorted(
            (
                p
                for p in self.points.values()
                if p.user_id == user_id and start <= p.timestamp < end
            ),
            key=lambda p: (p.timestamp, p.source.value),
        )

    async def raw(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[EmotionPoint]:
        found = self._of(user_id, start, end)[offset:]
        return found if limit is None else found[:limit]

    async def count_raw(self, user_id: UUID, start: datetime, end: datetime) -> int:
        return len(self._of(user_id, start, end))

    async def latest(self, user_id: UUID) -> EmotionPoint | None:
        mine = [p for p in self.points.values() if p.user_id == user_id]
        return max(mine, key=lambda p: p.timestamp, default=None)

    async def hours(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionAggregate]:
        return [
            copy.deepcopy(a)
            for (u, s), a in sorted(self.aggregates.items(), key=lambda kv: kv[0][1])
            if u == user_id and start <= s < end
        ]

    async def hour_readings(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[EmotionReading], int]:
        hours = await self.hours(user_id, start, end)
        page = hours[offset:] if limit is None else hours[offset : offset + limit]
        return [a.reading() for a in page], len(hours)

    async def unsealed_hours(self, before: datetime, limit: int) -> list[tuple[UUID, datetime]]:
        pending = sorted(
            (k for k, a in self.aggregates.items() if not a.sealed and k[1] < before),
            key=lambda k: (k[1], str(k[0])),
        )
        return pending[:limit]

    async def seal_hour(self, aggregate: EmotionAggregate) -> None:
        sealed = copy.deepcopy(aggregate)
        sealed.sealed = True
        self.aggregates[(aggregate.user_id, aggregate.start)] = sealed

    async def seal_hours(self, before: datetime, limit: int) -> int:
        due = await self.unsealed_hours(before, limit)
        for user_id, start in due:
            points = self._of(user_id, start, start + HOUR)
            self.aggregates[(user_id, start)] = sealed_hour(
                self.aggregates[(user_id, start)], points
            )
        return len(due)

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        doomed = sorted(
            (k for k, p in self.points.items() if p.timestamp < cutoff), key=lambda k: k[2]
        )[:limit]
        for k in doomed:
            del self.points[k]
        return len(doomed)

    async def delete_user(self, user_id: UUID) -> None:
        self.points = {k: p for k, p in self.points.items() if k[0] != user_id}
        self.aggregates = {k: a for k, a in self.aggregates.items() if k[0] != user_id}


class MemoryMoodCheckIns:
    def __init__(self) -> None:
        self.items: list[MoodCheckIn] = []

    async def add(self, check_in: MoodCheckIn) -> None:
        self.items.append(check_in)

    async def between(self, user_id: UUID, start: datetime, end: datetime) -> list[MoodCheckIn]:
        return sorted(
            (c for c in self.items if c.user_id == user_id and start <= c.timestamp <= end),
            key=lambda c: c.timestamp,
        )


class MemoryWellnessScores:
    def __init__(self) -> None:
        self.rows: dict[tuple[UUID, date], DailyWellness] = {}

    async def put(self, user_id: UUID, day: DailyWellness, now: datetime) -> None:
        self.rows[(user_id, day.day)] = day

    async def get(self, user_id: UUID, day: date) -> DailyWellness | None:
        return self.rows.get((user_id, day))

    async def between(self, user_id: UUID, first: date, last: date) -> list[DailyWellness]:
        return [
            d
            for (u, day), d in sorted(self.rows.items(), key=lambda kv: kv[0][1])
            if u == user_id and first <= day <= last
        ]
