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
from tests.unit.wellness.heart_data import pyhrv_hour


@dataclass
class RecordingAnalyzer:
    """A stand-in HRV library that records what it was handed (no maths under test here)."""

    name = "recording"
    seen: list[CleanBeats]

    def time_domain(self, beats: CleanBeats) -> TimeDomain:
        self.seen.append(beats)
        return TimeDomain(
            mean_hr=60000 / (sum(beats.intervals_ms) / len(beats.intervals_ms)),
            rmssd=33.0,
            sdnn=44.0,
            pnn50=5.0,
        )

    def lf_hf(self, beats: CleanBeats) -> float | None:
        return 1.5


def sample(rr=(), **kw) -> BiometricSample:
    fields = {
        "timestamp": NOW,
        "heart_rate": 70.0,
        "source": Source.POLAR,
        "hrv_sdnn": 50.0,
        "hrv_rmssd": 40.0,
        "pnn50": 12.0,
        "rr_intervals_ms": tuple(rr),
    }
    fields.update(kw)
    return BiometricSample(**fields)


def steady(n: int = 60) -> list[float]:
    return [800.0 + (i % 5) * 8 - 16 for i in range(n)]


def test_out_of_range_intervals_are_dropped_one_by_one_and_leave_a_gap():
    rr = steady()
    rr[20], rr[40] = 150.0, 2600.0  # a spurious detection and a dropout
    beats = clean_beats(rr)
    assert beats.removed == 2
    assert len(beats.intervals_ms) == 58
    assert beats.artefact_share == pytest.approx(2 / 60)
    # the beat after a dropped one ends where it really ended: the gap stays visible
    assert beats.times_s[20] == pytest.approx(sum(rr[:22]) / 1000)
    assert beats.successive().count(False) == 2


def real_minute() -> list[float]:
    return list(pyhrv_hour()[3])  # 77 beats of a real recording, 594-969 ms


def test_an_ectopic_beat_is_moved_back_in_line_not_deleted():
    rr = real_minute()
    rr[30], rr[31] = rr[30] * 0.6, rr[31] * 1.4  # premature beat and its compensatory pause
    beats = clean_beats(rr)
    assert beats.removed == 0
    assert beats.corrected >= 1
    assert len(beats.intervals_ms) == len(rr)  # no beat lost
    assert sum(beats.intervals_ms) == pytest.approx(sum(rr))  # nor any time
    clean = real_minute()
    assert min(clean) <= min(beats.intervals_ms) and max(beats.intervals_ms) <= max(clean)
    assert beats.artefact_share == pytest.approx(beats.corrected / len(rr))


def test_a_missed_beat_is_put_back():
    rr = real_minute()
    rr[25:27] = [rr[25] + rr[26]]  # two intervals merged: the sensor missed a beat
    beats = clean_beats(rr)
    assert len(beats.intervals_ms) == len(real_minute())
    assert max(beats.intervals_ms) <= max(real_minute())


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
    rr = [800.0, 800.0, 200.0] * 30  # every third interval is no heartbeat
    analyzer = RecordingAnalyzer(seen=[])
    features = extract_features(sample(rr), analyzer)
    assert features.origin is FeatureOrigin.DEVICE_SUMMARY
    assert features.artefact_share == pytest.approx(1 / 3)
    assert analyzer.seen == []


def test_a_sample_with_only_heart_rate_says_so():
    features = extract_features(sample(hrv_sdnn=None, hrv_rmssd=None, pnn50=None), None)
    assert features.origin is FeatureOrigin.HEART_RATE_ONLY
    assert features.ln_rmssd is None
