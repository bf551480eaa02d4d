"""Issue 16 over the in-memory adapters: activity is not stress, a person's own normal reads
as normal, and confidence only falls with worse signal, more artefacts or a younger baseline."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.clock import ManualClock
from adapters.hrv.factory import build_hrv_backend
from adapters.memory.identity import MemoryConsentRepository
from adapters.memory.wellness import (
    MemoryEmotionSeries,
    MemoryMoodCheckIns,
    MemoryWellnessScores,
)
from application.wellness.ingest import IngestBiometrics
from application.wellness.queries import GetCurrentEmotion, GetWellnessToday
from domain.wellness.baseline import build_baseline
from domain.wellness.emotion import MAX_CONFIDENCE, Emotion, classify, signal_quality
from domain.wellness.hrv import FeatureOrigin, HrvFeatures
from domain.wellness.mood import ReportedValence
from domain.wellness.samples import SampleInput
from domain.wellness.score import FULL_STRENGTH_HOURS, daily_wellness, expected_hours
from domain.wellness.series import Resolution, aggregate_points
from tests.unit.wellness.builders import point, steady_days
from tests.unit.wellness.heart_data import pyhrv_hour
from tests.unit.wellness.test_wellness_use_cases import START, World, minutes

TODAY = date(2026, 11, 10)


@pytest.fixture
def world() -> World:
    return World(
        ManualClock(START + timedelta(hours=12)),
        MemoryConsentRepository(),
        MemoryEmotionSeries(),
        MemoryWellnessScores(),
        MemoryMoodCheckIns(),
    )


def with_beats(world: World) -> IngestBiometrics:
    return IngestBiometrics(
        world.consents,
        world.series,
        world.scores,
        world.moods,
        world.clock,
        hrv=build_hrv_backend("fast").analyzer,
    )


def real_hour(first: datetime) -> list[SampleInput]:
    """pyhrv's real hour as 60 one-minute samples with their beats."""
    return [
        SampleInput(
            timestamp=first + timedelta(minutes=i),
            heart_rate=round(60000.0 / (sum(rr) / len(rr)), 1),
            source="polar",
            rr_intervals_ms=tuple(rr),
        )
        for i, rr in enumerate(pyhrv_hour()[:60])
    ]


async def test_the_persons_own_normal_hour_reads_as_normal(world):
    """A baseline built from days of this hour; the same hour again is not fatigue."""
    user = uuid4()
    await world.consent(user)
    ingest = with_beats(world)
    for d in range(8):  # three of the same real hour a day, for eight days
        day = START + timedelta(days=d)
        world.clock.set(day + timedelta(days=1))
        for h in (8, 12, 16):
            await ingest(user, real_hour(day + timedelta(hours=h)))
    replay = START + timedelta(days=8, hours=10)
    world.clock.set(replay + timedelta(hours=1))
    await ingest(user, real_hour(replay))
    points = await world.series.raw(user, replay, replay + timedelta(hours=1))
    baseline = (
        await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    ).baseline
    assert baseline.days == 8 and baseline.is_personal
    # minutes are judged against the spread of minutes, not of day averages
    assert baseline.ln_rmssd_minute_sd > baseline.ln_rmssd_sd  # the day-to-day floor
    labels = Counter(p.emotion for p in points)
    assert labels[Emotion.FATIGUED] + labels[Emotion.STRESSED] + labels[Emotion.ANXIOUS] <= 1
    assert labels[Emotion.CALM] + labels[Emotion.RELAXED] + labels[Emotion.FOCUSED] >= 57


async def test_a_walk_is_active_never_stress_and_stays_out_of_score_and_baseline(world):
    user, same_day_without = uuid4(), uuid4()
    for u in (user, same_day_without):
        await world.consent(u)
        await world.live_days(u, 20)  # resting ~62 bpm, RMSSD 48 ms
    day = START + timedelta(days=20)
    world.clock.set(day + timedelta(hours=18))
    rest = minutes(day + timedelta(hours=8), 48, step=5)  # 08:00-11:55
    walk = [
        SampleInput(
            timestamp=day + timedelta(hours=12, minutes=m),
            heart_rate=100.0,
            hrv_rmssd=14.0,
            source="garmin",
            activity="walk",
            steps=105,
            interval_s=60,
        )
        for m in range(60)
    ]
    await world.ingest()(user, rest + walk)
    await world.ingest()(same_day_without, rest)
    points = await world.series.raw(user, day + timedelta(hours=12), day + timedelta(hours=13))
    assert {p.emotion for p in points} == {Emotion.ACTIVE}
    assert {p.stress_score for p in points} == {0}
    assert {p.confidence for p in points} == {MAX_CONFIDENCE}
    with_walk = await GetWellnessToday(world.scores, world.clock)(user)
    without = await GetWellnessToday(world.scores, world.clock)(same_day_without)
    assert with_walk.components["stress_load"] == without.components["stress_load"]
    assert with_walk.components["hrv_balance"] == without.components["hrv_balance"]
    assert with_walk.resting_hr == without.resting_hr
    assert with_walk.physiology().ln_rmssd == without.physiology().ln_rmssd  # baseline input
    assert with_walk.active_points == 60


async def test_steps_alone_or_a_racing_heart_mark_a_minute_active(world):
    user = uuid4()
    await world.consent(user)
    await world.live_days(user, 10)
    at = START + timedelta(days=10, hours=9)
    world.clock.set(at + timedelta(hours=1))
    await world.ingest()(
        user,
        [
            SampleInput(timestamp=at, heart_rate=84.0, hrv_rmssd=25.0, source="garmin", steps=70),
            SampleInput(
                timestamp=at + timedelta(minutes=1),
                heart_rate=84.0,
                hrv_rmssd=25.0,
                source="garmin",
                steps=70,
                interval_s=300,
            ),  # 14 a minute: not walking
            SampleInput(timestamp=at + timedelta(minutes=2), heart_rate=140.0, source="garmin"),
        ],
    )
    got = [p.emotion for p in await world.series.raw(user, at, at + timedelta(hours=1))]
    assert got[0] is Emotion.ACTIVE and got[1] is not Emotion.ACTIVE
    assert got[2] is Emotion.ACTIVE
    current = await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    assert current.emotion is Emotion.ACTIVE
    assert current.confidence == 0.5  # only the heart rate said so


async def test_current_confidence_is_the_stored_confidence_for_a_steady_window(world):
    user = uuid4()
    await world.consent(user)
    await world.live_days(user, 14)
    at = START + timedelta(days=14, hours=9)
    world.clock.set(at + timedelta(minutes=20))
    await with_beats(world)(user, real_hour(at)[:1])
    (stored,) = await world.series.raw(user, at, at + timedelta(hours=1))
    current = await GetCurrentEmotion(world.series, world.scores, world.moods, world.clock)(user)
    assert (current.emotion, current.confidence) == (stored.emotion, stored.confidence)


# --- the score a person can recompute ------------------------------------------------


def test_thirty_three_minutes_are_not_a_full_day():
    day = date(2026, 11, 10)
    first = datetime(2026, 11, 10, 7, 0, tzinfo=UTC)
    now = first + timedelta(minutes=33)
    points = [point(first + timedelta(minutes=m), rmssd=25, stress=85) for m in range(33)]
    baseline = build_baseline(steady_days(20, day), day)
    result = daily_wellness(
        day, aggregate_points(points, Resolution.HOUR), baseline, expected_hours(day, now, first)
    )
    assert result.components["data_coverage"] == 100.0  # of the hour awake so far
    assert result.coverage_factor == pytest.approx(1 / FULL_STRENGTH_HOURS, abs=1e-3)
    assert 40 <= result.wellness_score <= 50  # a bad half hour barely moves it
    assert expected_hours(day, datetime(2026, 11, 10, 12, 0, tzinfo=UTC), first) == 5.0


# --- confidence: what lowers it ------------------------------------------------------

BASELINE = build_baseline(steady_days(20, TODAY), TODAY)
readings = st.tuples(st.floats(40, 110), st.floats(8, 150))
valences = st.one_of(
    st.none(), st.builds(ReportedValence, st.floats(-1, 1), st.floats(0, 1), st.integers(1, 3))
)


def feats(hr, rmssd, origin=FeatureOrigin.RR_INTERVALS, artefacts=0.0) -> HrvFeatures:
    return HrvFeatures(hr, rmssd, None, None, None, origin, artefacts)


def test_signal_quality_orders_devices_and_falls_with_artefacts():
    rr = signal_quality(FeatureOrigin.RR_INTERVALS, 0.0)
    summary = signal_quality(FeatureOrigin.DEVICE_SUMMARY, None)
    hr_only = signal_quality(FeatureOrigin.HEART_RATE_ONLY, None)
    assert rr > summary > hr_only
    assert signal_quality(FeatureOrigin.RR_INTERVALS, 0.1) < rr


@settings(max_examples=150)
@given(readings, valences, st.floats(0, 0.2), st.floats(0, 0.2))
def test_more_artefacts_never_raise_confidence(reading, valence, a, b):
    hr, rmssd = reading
    low, high = sorted((a, b))
    clean = classify(feats(hr, rmssd, artefacts=low), BASELINE, valence)
    dirty = classify(feats(hr, rmssd, artefacts=high), BASELINE, valence)
    assert clean.emotion is dirty.emotion
    assert dirty.confidence <= clean.confidence


@settings(max_examples=150)
@given(readings, valences)
def test_a_devices_summary_never_beats_the_beats_themselves(reading, valence):
    hr, rmssd = reading
    beats = classify(feats(hr, rmssd), BASELINE, valence)
    summary = classify(feats(hr, rmssd, FeatureOrigin.DEVICE_SUMMARY), BASELINE, valence)
    assert summary.confidence <= beats.confidence


@settings(max_examples=150)
@given(readings, valences, st.integers(0, 30), st.integers(0, 30))
def test_a_younger_baseline_never_raises_confidence(reading, valence, d1, d2):
    hr, rmssd = reading
    young, old = sorted((d1, d2))
    same = build_baseline(steady_days(20, TODAY), TODAY)
    a = classify(feats(hr, rmssd), replace(same, days=young), valence)
    b = classify(feats(hr, rmssd), replace(same, days=old), valence)
    assert a.emotion is b.emotion
    assert a.confidence <= b.confidence <= MAX_CONFIDENCE


def test_an_sdnn_only_device_is_judged_on_heart_rate_and_trusted_no_more():
    from domain.wellness.hrv import summary_columns

    cols = summary_columns([80.0, 80.0], [None, 30.0], [60.0, 60.0], [None, None])
    assert cols.origin == [FeatureOrigin.HEART_RATE_ONLY, FeatureOrigin.DEVICE_SUMMARY]
    sdnn_only = classify(feats(80, None, FeatureOrigin.HEART_RATE_ONLY), BASELINE)
    rmssd = classify(feats(80, 30.0, FeatureOrigin.DEVICE_SUMMARY), BASELINE)
    assert sdnn_only.confidence <= rmssd.confidence
