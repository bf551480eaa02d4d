"""Late samples: their day is rescored, and so is every later day whose baseline they feed."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from adapters.clock import ManualClock
from adapters.memory.identity import MemoryConsentRepository
from adapters.memory.wellness import (
    MemoryEmotionSeries,
    MemoryMoodCheckIns,
    MemoryWellnessScores,
)
from application.wellness.daily import day_bounds
from application.wellness.ingest import IngestBiometrics
from domain.privacy.consent import Consents
from domain.wellness.baseline import WINDOW_DAYS, build_baseline
from domain.wellness.score import daily_wellness, expected_hours
from tests.unit.wellness.test_wellness_use_cases import START, minutes


async def test_a_late_day_rescores_the_days_after_it_within_the_baseline_window():
    clock = ManualClock(START)
    consents, series = MemoryConsentRepository(), MemoryEmotionSeries()
    scores, moods = MemoryWellnessScores(), MemoryMoodCheckIns()
    ingest = IngestBiometrics(consents, series, scores, moods, clock, hrv=None)
    user = uuid4()
    await consents.put(Consents(user, True, False, START))
    # days 1-7 arrive as they end; day 0 is synced a week late, with a very different heart
    for d in range(1, 8):
        clock.set(START + timedelta(days=d + 1))
        await ingest(user, minutes(START + timedelta(days=d), 24 * 12, step=5))
    before = {
        d.day: d
        for d in await scores.between(user, START.date(), START.date() + timedelta(days=40))
    }
    assert min(before) == START.date() + timedelta(days=1)
    await ingest(user, minutes(START, 24 * 12, step=5, hr=80, rmssd=20))
    after = {
        d.day: d
        for d in await scores.between(user, START.date(), START.date() + timedelta(days=40))
    }
    assert START.date() in after
    history = [d.physiology() for d in after.values()]
    for day, row in after.items():
        # every stored day agrees with its hours and the baseline of the days before it
        start, end = day_bounds(day)
        want = daily_wellness(
            day,
            await series.hours(user, start, end),
            build_baseline(history, day),
            expected_hours(day, clock.now()),
        )
        assert row == want, day
    changed = [d for d in before if before[d] != after[d]]
    assert changed  # the later days' baselines now include the late day
    assert all(d - START.date() <= timedelta(days=WINDOW_DAYS) for d in changed)
