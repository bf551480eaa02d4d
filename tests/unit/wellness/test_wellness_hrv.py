from dataclasses import dataclass

import pytest

from application.wellness.features import extract_features
from domain.wellness.hrv import (
    MIN_BEATS_TIME_DOMAIN,
    CleanBeats,
    FeatureOrigin,
    TimeDomain,
    clean_beats,
)
from domain.wellness.samples import BiometricSample, Source
from tests.unit.wellness.builders import NOW


@dataclass
class RecordingAnalyzer:
    """A stand-in HRV library that records what it was handed (no maths under test here)."""

    name = "recording"
    seen: list[CleanBeats]

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        self.seen.append(beats)
        return TimeDomain(mean_hr=60000 / (sum(beats.intervals_ms) / len(beats.intervals_ms)),
                          rmssd=33.0, sdnn=44.0, pnn50=5.0)

    def lf_hf(self, beats: CleanBeats) -> float | None:
        return 1.5


def sample(rr=(), **kw) -> BiometricSample:
    fields = {"timestamp": NOW, "heart_rate": 70.0, "source": Source.POLAR,
              "hrv_sdnn": 50.0, "hrv_rmssd": 40.0, "pnn50": 12.0, "rr_intervals_ms": tuple(rr)}
    fields.update(kw)
    return BiometricSample(**fields)


def test_an_ectopic_beat_is_removed_and_leaves_a_gap():
    rr = [800.0, 810, 790, 805, 500, 1150, 795, 800, 810]
    beats = clean_beats(rr)
    assert beats.intervals_ms == (800, 810, 790, 805, 795, 800, 810)
    assert beats.removed == 2
    # the kept beat after the artefacts ends where it really ended: the gap stays visible
    assert beats.times_s[4] == pytest.approx(sum(rr[:7]) / 1000)
    assert beats.times_s[4] - beats.times_s[3] != pytest.approx(beats.intervals_ms[4] / 1000)


def test_clean_series_lose_nothing():
    rr = [800 + (i % 7) * 12 for i in range(120)]
    beats = clean_beats(rr)
    assert beats.removed == 0
    assert beats.usable_for_time_domain
    assert not beats.usable_for_lf_hf  # 96 s is too short for LF/HF


def test_five_minutes_of_clean_beats_allow_lf_hf():
    beats = clean_beats([900.0 + (i % 5) * 10 for i in range(330)])
    assert beats.duration_s >= 290
    assert beats.usable_for_lf_hf


def test_beats_go_through_the_analyzer_when_usable():
    analyzer = RecordingAnalyzer(seen=[])
    rr = [850.0 + (i % 3) * 15 for i in range(60)]
    features = extract_features(sample(rr), analyzer)
    assert features.origin is FeatureOrigin.RR_INTERVALS
    assert (features.rmssd, features.sdnn, features.pnn50) == (33.0, 44.0, 5.0)
    assert features.lf_hf is None  # a minute of beats: no LF/HF
    assert features.heart_rate == 70.0
    assert len(analyzer.seen) == 1


def test_without_an_hrv_library_the_device_values_are_used():
    features = extract_features(sample([850.0] * 60), analyzer=None)
    assert features.origin is FeatureOrigin.DEVICE_SUMMARY
    assert (features.rmssd, features.sdnn, features.pnn50) == (40.0, 50.0, 12.0)


def test_too_few_beats_fall_back_to_the_device_values():
    analyzer = RecordingAnalyzer(seen=[])
    features = extract_features(sample([850.0] * (MIN_BEATS_TIME_DOMAIN - 1)), analyzer)
    assert features.origin is FeatureOrigin.DEVICE_SUMMARY
    assert analyzer.seen == []


def test_a_window_full_of_artefacts_is_not_trusted():
    rr = [800.0, 800.0, 400.0] * 30  # every third beat is half its neighbours
    analyzer = RecordingAnalyzer(seen=[])
    features = extract_features(sample(rr), analyzer)
    assert features.origin is FeatureOrigin.DEVICE_SUMMARY
    assert analyzer.seen == []


def test_a_sample_with_only_heart_rate_says_so():
    features = extract_features(sample(hrv_sdnn=None, hrv_rmssd=None, pnn50=None), None)
    assert features.origin is FeatureOrigin.HEART_RATE_ONLY
    assert features.ln_rmssd is None
