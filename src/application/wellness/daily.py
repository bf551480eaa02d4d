"""Recompute the daily wellness rows a change touched (late samples included)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from application.ports.wellness import EmotionSeries, WellnessScores
from domain.wellness.baseline import WINDOW_DAYS, Baseline, build_baseline
from domain.wellness.score import daily_wellness, expected_hours


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def baseline_for(scores: WellnessScores, user_id: UUID, day: date) -> Baseline:
    """The personal baseline as it stood on `day`, from the days before it."""
    days = await scores.between(user_id, day - timedelta(days=WINDOW_DAYS), day - timedelta(days=1))
    return build_baseline([d.physiology() for d in days], day)


@dataclass(slots=True)
class RecomputeDays:
    series: EmotionSeries
    scores: WellnessScores

    async def __call__(self, user_id: UUID, days: Iterable[date], now: datetime) -> None:
        for day in sorted(set(days)):
            start, end = day_bounds(day)
            hours = await self.series.hours(user_id, start, end)
            baseline = await baseline_for(self.scores, user_id, day)
            result = daily_wellness(day, hours, baseline, expected_hours(day, now))
            if result is not None:
                await self.scores.put(user_id, result, now)
