import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.wellness.baseline import BaselineStatus, build_baseline
from domain.wellness.emotion import Emotion, classify, explain
from domain.wellness.hrv import FeatureOrigin, HrvFeatures
from domain.wellness.mood import ReportedValence
from domain.wellness.stress import StressZone
from tests.unit.wellness.builders import steady_days

TODAY = date(2026, 11, 10)
ESTABLISHED = build_baseline(steady_days(20, TODAY, rmssd=45, resting_hr=58), TODAY)
COLD = build_baseline([], TODAY)
UNPLEASANT = ReportedValence(value=-0.75, weight=0.9, check_ins=1)
PLEASANT = ReportedValence(value=0.5, weight=0.9, check_ins=1)


def features(hr: float, rmssd: float | None, origin=FeatureOrigin.RR_INTERVALS) -> HrvFeatures:
    return HrvFeatures(heart_rate=hr, rmssd=rmssd, sdnn=None, pnn50=None, lf_hf=None, origin=origin)


def suppressed(sds: float) -> float:
    """RMSSD `sds` of the person's minute-level standard deviations below their mean."""
    return math.exp(ESTABLISHED.ln_rmssd_mean - sds * ESTABLISHED.ln_rmssd_minute_sd)


def test_cold_start_is_honestly_unsure_and_says_why():
    state = classify(features(88, 15), COLD)
    assert state.emotion is Emotion.STRESSED
    assert state.confidence <= 0.3
    texts = " ".join(explain(state, COLD))
    assert "needs 5 days" in texts
    assert "population averages" in texts


def test_the_same_reading_is_trusted_more_with_an_established_baseline():
    reading = features(86, suppressed(3))
    assert classify(reading, ESTABLISHED).confidence > classify(reading, COLD).confidence


def test_suppressed_hrv_with_raised_heart_rate_is_stress():
    state = classify(features(88, suppressed(2.5)), ESTABLISHED)
    assert state.stress.zone is StressZone.HIGH
    assert state.emotion is Emotion.STRESSED
    assert state.confidence >= 0.5


def test_high_arousal_with_an_unpleasant_mood_is_anxiety():
    state = classify(features(88, suppressed(2.5)), ESTABLISHED, UNPLEASANT)
    assert state.emotion is Emotion.ANXIOUS
    assert state.valence_used
    assert "unpleasant mood" in explain(state, ESTABLISHED)[0]


def test_moderate_arousal_feels_like_focus_unless_reported_unpleasant():
    reading = features(82, suppressed(1.2))
    assert classify(reading, ESTABLISHED, PLEASANT).emotion is Emotion.FOCUSED
    assert classify(reading, ESTABLISHED, UNPLEASANT).emotion is Emotion.STRESSED


def test_hrv_at_baseline_is_relaxed_and_above_it_at_rest_is_calm():
    at_baseline = math.exp(ESTABLISHED.ln_rmssd_mean)
    assert classify(features(66, at_baseline), ESTABLISHED).emotion is Emotion.RELAXED
    assert classify(features(56, suppressed(-1.5)), ESTABLISHED).emotion is Emotion.CALM


def test_suppressed_hrv_without_a_raised_heart_rate_looks_like_fatigue():
    state = classify(features(60, suppressed(2.2)), ESTABLISHED)
    assert state.emotion is Emotion.FATIGUED
    assert "tiredness" in explain(state, ESTABLISHED)[0]


def test_exercise_heart_rates_are_not_read_as_emotion():
    state = classify(features(150, suppressed(2)), ESTABLISHED)
    assert state.emotion is Emotion.ACTIVE
    assert state.stress.score == 0
    assert state.confidence == 0.5  # the heart rate alone suggests movement
    assert "movement" in explain(state, ESTABLISHED)[0]


def test_a_walk_the_device_reports_is_active_never_stress():
    """A 100 bpm walk against a 20-day baseline (the issue's case)."""
    walk = features(100, suppressed(2.5))
    assert classify(walk, ESTABLISHED, declared_active=True).emotion is Emotion.ACTIVE
    assert classify(walk, ESTABLISHED, declared_active=True).confidence == 0.7
    assert classify(walk, ESTABLISHED).emotion is Emotion.ACTIVE  # 42 bpm above resting
    assert classify(features(88, suppressed(2.5)), ESTABLISHED).emotion is Emotion.STRESSED


def test_heart_rate_alone_lowers_confidence_and_is_explained():
    with_hrv = classify(features(88, suppressed(2.5)), ESTABLISHED)
    hr_only = classify(features(88, None, FeatureOrigin.HEART_RATE_ONLY), ESTABLISHED)
    assert hr_only.confidence < with_hrv.confidence
    assert any("heart rate alone" in t for t in explain(hr_only, ESTABLISHED))


def test_evidence_reports_the_baseline():
    state = classify(features(70, 40), ESTABLISHED)
    assert state.stress.deviation.hrv_z is not None
    assert "20-day baseline" in explain(state, ESTABLISHED)[1]
    assert ESTABLISHED.status is BaselineStatus.ESTABLISHED


@given(
    st.floats(25, 250),
    st.one_of(st.none(), st.floats(1, 500)),
    st.integers(0, 40),
    st.one_of(st.none(), st.floats(-1, 1)),
)
def test_confidence_is_a_probability_and_unknown_is_never_confident(hr, rmssd, days, valence):
    baseline = build_baseline(steady_days(days, TODAY), TODAY)
    reported = None if valence is None else ReportedValence(valence, 1.0, 1)
    origin = FeatureOrigin.HEART_RATE_ONLY if rmssd is None else FeatureOrigin.DEVICE_SUMMARY
    state = classify(features(hr, rmssd, origin), baseline, reported)
    assert 0.0 <= state.confidence <= 0.7
    if state.emotion is Emotion.ACTIVE:
        assert state.stress.score == 0
    elif days < 5:
        assert state.confidence <= 0.3
    assert explain(state, baseline)


@pytest.mark.parametrize("emotion", list(Emotion))
def test_labels_are_the_contract_vocabulary(emotion):
    assert emotion.value in {
        "calm",
        "relaxed",
        "focused",
        "stressed",
        "anxious",
        "fatigued",
        "active",
        "unknown",
    }
