"""Recompute the daily wellness rows a change touched (late samples included)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from application.ports.wellness import EmotionSeries, WellnessScores
from domain.wellness.baseline import WINDOW_DAYS, Baseline, DailyPhysiology, build_baseline
from domain.wellness.score import DailyWellness, daily_wellness, expected_hours
from domain.wellness.series import EmotionAggregate

WINDOW = timedelta(days=WINDOW_DAYS)
# Days to rescore closer together than this are read with one range query.
_ONE_READ_GAP = timedelta(days=2)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


async def baseline_for(scores: WellnessScores, user_id: UUID, day: date) -> Baseline:
    """The personal baseline as it stood on `day`, from the days before it."""
    days = await scores.between(user_id, day - WINDOW, day - timedelta(days=1))
    return build_baseline([d.physiology() for d in days], day)


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as (first, last) runs without a gap of `_ONE_READ_GAP` or more."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day - runs[-1][1] < _ONE_READ_GAP:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


@dataclass(slots=True)
class RecomputeDays:
    """Rescore the days that received data, and the later days whose baseline they feed.

    A day's score is judged against the baseline of the WINDOW_DAYS before it, so a
    late sample changes the score of every later day in its window that has one; those
    are rescored too (their own physiology does not change, so nothing cascades further).
    """

    series: EmotionSeries
    scores: WellnessScores

    async def __call__(
        self,
        user_id: UUID,
        days: Iterable[date],
        now: datetime,
        *,
        known: Sequence[DailyWellness] | None = None,
    ) -> None:
        """`known`: the user's rows from WINDOW_DAYS before the first day to WINDOW_DAYS
        after the last, when the caller has read them already."""
        changed = set(days)
        if not changed:
            return
        first, last = min(changed), max(changed)
        if known is None:
            known = await self.scores.between(user_id, first - WINDOW, last + WINDOW)
        later = {
            r.day
            for r in known
            if r.day not in changed and any(r.day - WINDOW <= c < r.day for c in changed)
        }
        todo = sorted(changed | later)
        by_day: dict[date, list[EmotionAggregate]] = {day: [] for day in todo}
        for run_first, run_last in _runs(todo):
            start, _ = day_bounds(run_first)
            _, end = day_bounds(run_last)
            for hour in await self.series.hours(user_id, start, end):
                by_day.setdefault(hour.start.astimezone(UTC).date(), []).append(hour)
        history: dict[date, DailyPhysiology] = {r.day: r.physiology() for r in known}
        for day in todo:
            baseline = build_baseline(list(history.values()), day)
            first_reading = min((h.start for h in by_day[day] if h.count), default=None)
            result = daily_wellness(
                day, by_day[day], baseline, expected_hours(day, now, first_reading)
            )
            if result is not None:
                await self.scores.put(user_id, result, now)
                history[day] = result.physiology()
