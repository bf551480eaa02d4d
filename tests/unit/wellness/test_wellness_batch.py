"""The column-wise ingestion path gives exactly what the sample-by-sample rules give.

`classify_many` is `classify` vectorised, `bucket_verdict` the dominant-emotion rule on
plain sums, `SampleColumns.canonical` the deduplication of a batch: each is held here to
the definition it replaces, value for value.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.wellness.baseline import POPULATION_BASELINE, build_baseline
from domain.wellness.emotion import Emotion, classify, classify_many
from domain.wellness.hrv import FeatureColumns, FeatureOrigin, HrvFeatures
from domain.wellness.mood import ReportedValence
from domain.wellness.samples import Source, validate_columns
from domain.wellness.series import (
    VERDICT_LABELS,
    EmotionAggregate,
    PointColumns,
    Resolution,
    bucket_verdict,
)
from tests.unit.wellness.builders import NOW, USER, sample_input, steady_days

TODAY = date(2026, 11, 10)
BASELINES = [
    POPULATION_BASELINE,
    build_baseline(steady_days(3, TODAY), TODAY),
    build_baseline(steady_days(8, TODAY, rmssd=30, resting_hr=70), TODAY),
    build_baseline(steady_days(25, TODAY, rmssd=55, resting_hr=52), TODAY),
]

readings = st.tuples(
    st.one_of(
        st.floats(25, 250),
        st.integers(25, 250).map(float),
        st.integers(50, 500).map(lambda x: x / 2),
    ),
    st.one_of(st.none(), st.floats(1, 500), st.integers(10, 2000).map(lambda x: x / 10)),
    st.sampled_from(list(FeatureOrigin)),
    st.one_of(st.just(0.0), st.floats(0, 0.2)),
    st.integers(0, len(BASELINES) - 1),
    st.one_of(st.none(), st.builds(ReportedValence, st.floats(-1, 1), st.floats(0, 1), st.just(1))),
)


@settings(max_examples=300)
@given(
    st.lists(readings, min_size=1, max_size=60),
    st.booleans(),
    st.one_of(st.none(), st.lists(st.booleans(), min_size=60, max_size=60)),
)
def test_classify_many_is_classify_for_every_sample(batch, with_valence, declared):
    features = FeatureColumns(
        heart_rate=[r[0] for r in batch],
        rmssd=[r[1] for r in batch],
        sdnn=[None] * len(batch),
        pnn50=[None] * len(batch),
        origin=[r[2] for r in batch],
        artefact_share=[r[3] for r in batch],
    )
    valences = [r[5] for r in batch] if with_valence else None
    moving = None if declared is None else np.array(declared[: len(batch)], dtype=bool)
    got = classify_many(features, BASELINES, [r[4] for r in batch], valences, moving)
    for i, (hr, rmssd, origin, artefact, which, valence) in enumerate(batch):
        want = classify(
            HrvFeatures(
                heart_rate=hr,
                rmssd=rmssd,
                sdnn=None,
                pnn50=None,
                lf_hf=None,
                origin=origin,
                artefact_share=artefact,
            ),
            BASELINES[which],
            valence if with_valence else None,
            declared_active=declared is not None and declared[i],
        )
        assert (got.stress_score[i], got.emotion[i], got.confidence[i]) == (
            want.stress.score,
            want.emotion.value,
            want.confidence,
        )


def test_classify_many_of_nothing_is_nothing():
    empty = FeatureColumns([], [], [], [], [], [])
    assert classify_many(empty, BASELINES, []).emotion == []


def _verdict_by_definition(
    counts: dict[str, int], confidence: dict[str, float], count: int
) -> tuple[Emotion, float]:
    """The rule as first written: most readings, then more confidence, then alphabetical."""
    best, best_key = None, None
    for label, n in counts.items():
        if label == "unknown" or not n:
            continue
        key = (n, confidence.get(label, 0.0))
        if best_key is None or key > best_key or (key == best_key and label < best):
            best, best_key = label, key
    if not count:
        return Emotion.UNKNOWN, 0.0
    best = best or "unknown"
    return Emotion(best), round(confidence.get(best, 0.0) / count, 2)


labels = st.sampled_from([e.value for e in Emotion])


@given(
    st.dictionaries(
        labels, st.tuples(st.integers(0, 4), st.sampled_from([0.0, 0.5, 0.6, 1.1, 1.2, 0.95]))
    )
)
def test_bucket_verdict_follows_the_rule_ties_included(cells):
    counts = {k: n for k, (n, _) in cells.items()}
    confidence = {k: c for k, (_, c) in cells.items()}
    count = sum(counts.values())
    got = bucket_verdict(
        count,
        [counts.get(e.value, 0) for e in VERDICT_LABELS],
        [confidence.get(e.value, 0.0) for e in VERDICT_LABELS],
        confidence.get("unknown", 0.0),
    )
    assert got == _verdict_by_definition(counts, confidence, count)


def test_an_aggregate_reads_as_its_rounded_means_and_verdict():
    agg = EmotionAggregate(
        user_id=USER,
        start=NOW,
        resolution=Resolution.HOUR,
        count=3,
        hr_sum=200.0,
        rmssd_sum=85.0,
        rmssd_count=2,
        stress_sum=91.0,
        rest_count=3,
        emotion_counts={"calm": 1, "focused": 1, "unknown": 1},
        emotion_confidence={"calm": 0.6, "focused": 0.7, "unknown": 0.0},
    )
    r = agg.reading()
    assert (r.timestamp, r.emotion, r.confidence) == (NOW, Emotion.FOCUSED, 0.23)
    assert (r.stress_score, r.heart_rate, r.hrv_rmssd) == (30, 66.7, 42.5)
    assert (
        EmotionAggregate(user_id=USER, start=NOW, resolution=Resolution.HOUR).reading().emotion
        is Emotion.UNKNOWN
    )


def test_canonical_keeps_the_first_of_each_source_and_instant_in_time_order():
    t = NOW - timedelta(hours=1)
    batch = [
        sample_input(timestamp=t + timedelta(minutes=2), heart_rate=62, source="oura"),
        sample_input(timestamp=t, heart_rate=60, source="polar"),
        sample_input(timestamp=t + timedelta(minutes=2), heart_rate=99, source="oura"),
        sample_input(timestamp=t, heart_rate=61, source="garmin"),
    ]
    got = validate_columns(batch, NOW).canonical()
    assert list(zip(got.timestamps, got.sources, got.heart_rate, strict=True)) == [
        (t, "garmin", 61.0),
        (t, "polar", 60.0),
        (t + timedelta(minutes=2), "oura", 62.0),
    ]
    ordered = validate_columns(batch[1:2], NOW)
    assert ordered.canonical() is ordered


def test_columns_normalise_like_single_samples():
    ts = datetime(2026, 11, 10, 15, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    got = validate_columns(
        [sample_input(timestamp=ts, hrv_sdnn=50, pnn50=None, rr_intervals_ms=[800, 810])], NOW
    )
    assert got.timestamps == [datetime(2026, 11, 10, 14, 0, 0, 123000, tzinfo=UTC)]
    assert got.timestamps[0].tzinfo is UTC
    assert (got.hrv_sdnn, got.pnn50, got.rr_intervals_ms) == ([50.0], [None], [(800.0, 810.0)])
    assert type(got.hrv_sdnn[0]) is float
    sample = got.sample(0)
    assert sample.source is Source.POLAR


def test_point_columns_become_the_same_points():
    cols = PointColumns(
        user_id=USER,
        timestamps=[NOW],
        sources=["oura"],
        heart_rate=[61.0],
        hrv_rmssd=[None],
        hrv_sdnn=[40.0],
        pnn50=[None],
        stress_score=[33],
        emotion=["relaxed"],
        confidence=[0.41],
    )
    (p,) = cols.points()
    assert (p.source, p.emotion, p.stress_score, p.hrv_sdnn) == (
        Source.OURA,
        Emotion.RELAXED,
        33,
        40.0,
    )
    assert len(cols) == 1


def test_a_log_is_never_taken_of_a_missing_rmssd():
    features = FeatureColumns(
        [60.0, 60.0],
        [None, math.e],
        [None, None],
        [None, None],
        [FeatureOrigin.HEART_RATE_ONLY, FeatureOrigin.DEVICE_SUMMARY],
        [0.0, 0.0],
    )
    got = classify_many(features, [POPULATION_BASELINE], [0, 0])
    assert len(got.stress_score) == 2
