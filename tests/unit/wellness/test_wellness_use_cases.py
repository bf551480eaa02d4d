"""Use cases end to end over the in-memory adapters."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from adapters.clock import ManualClock
from adapters.memory.identity import MemoryConsentRepository
from adapters.memory.wellness import (
    MemoryEmotionSeries,
    MemoryMoodCheckIns,
    MemoryWellnessScores,
)
from application.wellness.ingest import IngestBiometrics
from application.wellness.mood import RecordMoodCheckIn
from application.wellness.queries import (
    GetCurrentEmotion,
    GetEmotions,
    GetWellnessToday,
    ListWellnessScores,
)
from application.wellness.retention import Budget, RunSeriesRetention
from domain.errors import BiometricsConsentMissing, NotFound, ValidationFailed
from domain.privacy.consent import Consents
from domain.wellness.baseline import BaselineStatus
from domain.wellness.emotion import Emotion
from domain.wellness.samples import SampleInput
from domain.wellness.series import Resolution

START = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)


def stopped() -> float:
    """A monotonic timer that never moves: a budget of seconds never runs out."""
    return 0.0


def minutes(
    first: datetime,
    count: int,
    *,
    hr: float = 62.0,
    rmssd: float | None = 48.0,
    source: str = "garmin",
    step: int = 1,
) -> list[SampleInput]:
    return [
        SampleInput(
            timestamp=first + timedelta(minutes=i * step),
            heart_rate=hr + (i % 5),
            hrv_rmssd=rmssd,
            source=source,
        )
        for i in range(count)
    ]


@dataclass
class World:
    clock: ManualClock
    consents: MemoryConsentRepository
    series: MemoryEmotionSeries
    scores: MemoryWellnessScores
    moods: MemoryMoodCheckIns

    def ingest(self) -> IngestBiometrics:
        return IngestBiometrics(
            self.consents, self.series, self.scores, self.moods, self.clock, hrv=None
        )

    async def consent(self, user, biometrics: bool = True) -> None:
        await self.consents.put(Consents(user, biometrics, False, self.clock.now()))

    async def live_days(self, user, days: int, per_day: int = 24 * 12, **kw) -> None:
        """`days` days of readings every 5 minutes, ingested as each day ends."""
        for d in range(days):
            day_start = START + timedelta(days=d)
            self.clock.set(day_start + timedelta(days=1))
            batch = minutes(day_start, per_day, step=5, **kw)
            for i in range(0, len(batch), 1000):
                await self.ingest()(user, batch[i : i + 1000])


@pytest.fixture
def world() -> World:
    return World(
        ManualClock(START + timedelta(hours=12)),
        MemoryConsentRepository(),
        MemoryEmotionSeries(),
        MemoryWellnessScores(),
        MemoryMoodCheckIns(),
    )


async def test_without_biometrics_consent_nothing_is_processed(world):
    user = uuid4()
    await world.consent(user, biometrics=False)
    with pytest.raises(BiometricsConsentMissing):
        await world.ingest()(user, minutes(START, 3))
    assert world.series.points == {}


async def test_a_retried_batch_creates_no_duplicates(world):
    user = uuid4()
    await world.consent(user)
    batch = minutes(START, 30)
    first = await world.ingest()(user, batch)
    again = await world.ingest()(user, batch)
    assert (first.accepted, first.duplicates) == (30, 0)
    assert (again.accepted, again.duplicates) == (0, 30)
    assert len(world.series.points) == 30
    (hour,) = await world.series.hours(user, START, START + timedelta(hours=1))
    assert hour.count == 30  # the retry did not inflate the hourly aggregate


async def test_the_same_instant_from_two_devices_is_two_samples(world):
    user = uuid4()
    await world.consent(user)
    batch = [
        *minutes(START, 1, source="garmin"),
        *minutes(START, 1, source="oura"),
        *minutes(START, 1, source="oura"),
    ]
    result = await world.ingest()(user, batch)
    assert (result.accepted, result.duplicates) == (2, 1)


async def test_one_bad_sample_rejects_the_batch_and_stores_nothing(world):
    user = uuid4()
    await world.consent(user)
    batch = minutes(START, 10)
    batch[7] = SampleInput(timestamp=START, heart_rate=20, source="garmin")
    with pytest.raises(ValidationFailed) as exc:
        await world.ingest()(user, batch)
    assert exc.value.details["errors"][0]["field"] == "samples[7].heart_rate"
    assert world.series.points == {}
    assert world.scores.rows == {}


async def test_cold_start_is_low_confidence_and_says_it_is_learning(world):
    user = uuid4()
    await world.consent(user)
    await world.ingest()(user, minutes(START, 30, hr=95, rmssd=15))
    points = list(world.series.points.values())
    assert all(p.confidence <= 0.3 for p in points)
    current = await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    assert current.baseline.status is BaselineStatus.LEARNING
    assert current.confidence <= 0.3
    assert any("needs 5 days" in r for r in current.reasons)
    assert current.data_points == 16  # the latest reading and the 15 minutes before it


async def test_a_week_of_data_builds_a_baseline_that_judges_a_bad_hour(world):
    user = uuid4()
    await world.consent(user)
    await world.live_days(user, 7)
    day8 = START + timedelta(days=7, hours=9)
    world.clock.set(day8 + timedelta(minutes=40))
    await world.ingest()(user, minutes(day8, 30, hr=92, rmssd=18))
    current = await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    assert current.baseline.status is BaselineStatus.PROVISIONAL
    assert current.baseline.days == 7
    assert current.emotion is Emotion.STRESSED
    assert 0.3 <= current.confidence < 0.5  # a provisional baseline: said to be uncertain
    assert any(r.startswith("Uncertain") for r in current.reasons)
    assert current.state.stress.deviation.hrv_z < -2
    # a reported unpleasant mood turns the same body state into anxiety
    await RecordMoodCheckIn(world.moods, world.clock)(user, valence=-2, label="worried")
    current = await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    assert current.emotion is Emotion.ANXIOUS
    assert current.valence is not None


async def test_daily_scores_exist_and_late_samples_rescore_their_day(world):
    user = uuid4()
    await world.consent(user)
    await world.live_days(user, 2, per_day=12 * 10)  # 10 hours a day
    scores = ListWellnessScores(world.scores, world.clock)
    page = await scores(
        user, date_from=START.date(), date_to=START.date() + timedelta(days=1), page=1, per_page=20
    )
    assert [d.day for d in page.items] == [START.date(), START.date() + timedelta(days=1)]
    before = page.items[0]
    assert before.data_points == 120
    late = minutes(START + timedelta(hours=18), 60, hr=90, rmssd=20)
    await world.ingest()(user, late)
    after = await world.scores.get(user, START.date())
    assert after.data_points == 180
    assert after.wellness_score < before.wellness_score
    assert after.components["data_coverage"] > before.components["data_coverage"]


async def test_today_is_404_until_there_is_data(world):
    user = uuid4()
    await world.consent(user)
    today = GetWellnessToday(world.scores, world.clock)
    with pytest.raises(NotFound):
        await today(user)
    await world.ingest()(user, minutes(START + timedelta(hours=8), 60))
    assert (await today(user)).data_points == 60


async def test_emotions_at_each_resolution_and_never_another_users(world):
    user, other = uuid4(), uuid4()
    for u in (user, other):
        await world.consent(u)
    world.clock.set(START + timedelta(days=1))
    await world.ingest()(user, minutes(START, 180))
    await world.ingest()(other, minutes(START, 60, hr=100))
    get = GetEmotions(world.series, world.clock, world.series)
    span = {"start": START, "end": START + timedelta(days=1)}
    raw = await get(user, **span, resolution=Resolution.RAW, page=2, per_page=100)
    assert raw.total == 180
    assert len(raw.items) == 80
    assert raw.items[0].timestamp == START + timedelta(minutes=100)
    hours = await get(user, **span, resolution=Resolution.HOUR, page=1, per_page=100)
    assert [h.timestamp for h in hours.items] == [START + timedelta(hours=h) for h in range(3)]
    assert all(h.heart_rate == 64.0 for h in hours.items)
    days = await get(user, **span, resolution=Resolution.DAY, page=1, per_page=100)
    assert days.total == 1
    stranger = uuid4()
    assert (await get(stranger, **span, resolution=Resolution.RAW, page=1, per_page=20)).total == 0


async def test_ranges_are_checked(world):
    get = GetEmotions(world.series, world.clock, world.series)
    with pytest.raises(ValidationFailed):
        await get(
            uuid4(),
            start=START,
            end=START - timedelta(hours=1),
            resolution=Resolution.RAW,
            page=1,
            per_page=20,
        )
    with pytest.raises(ValidationFailed):
        await get(
            uuid4(),
            start=START - timedelta(days=40),
            end=START,
            resolution=Resolution.RAW,
            page=1,
            per_page=20,
        )


async def test_retention_seals_old_hours_deletes_old_raw_and_is_idempotent(world):
    user = uuid4()
    await world.consent(user)
    world.clock.set(START + timedelta(hours=3))
    await world.ingest()(user, minutes(START, 120))
    hours_before = await world.series.hours(user, START, START + timedelta(days=1))
    job = RunSeriesRetention(world.series, world.clock, seal_batch=1, delete_batch=1)
    world.clock.set(START + timedelta(days=31))
    first = await job(Budget(60, timer=stopped))
    assert (first.sealed_hours, first.deleted_raw, first.finished) == (2, 0, True)
    snapshot = copy.deepcopy((world.series.points, world.series.aggregates))
    second = await job(Budget(60, timer=stopped))
    assert (second.sealed_hours, second.deleted_raw) == (0, 0)
    assert (world.series.points, world.series.aggregates) == snapshot
    sealed = await world.series.hours(user, START, START + timedelta(days=1))
    assert [(h.count, h.hr_mean, h.sealed) for h in sealed] == [
        (h.count, h.hr_mean, True) for h in hours_before
    ]
    world.clock.set(START + timedelta(days=91))
    # Batches of one, as many as the budget allows: sealing's one (it finds nothing) and
    # 100 deletions; the rest waits for the next run.
    third = await job(Budget(60, batches=101, timer=stopped))
    assert (third.deleted_raw, third.finished) == (100, False)
    assert (third.sealing_done, third.deleting_done) == (True, False)
    fourth = await job(Budget(60, timer=stopped))
    assert (fourth.deleted_raw, fourth.finished) == (20, True)
    assert world.series.points == {}
    # the hourly history outlives the raw points
    assert len(await world.series.hours(user, START, START + timedelta(days=1))) == 2
