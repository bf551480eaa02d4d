"""The HRV analyzer port against real recordings: pyhrv's sample NN series.

Reference values for the 60-minute series (pyhrv 0.5.0 SampleReport):
SDNN 85.357 ms, RMSSD 60.523 ms, pNN50 28.571 %, LF/HF 1.785 (Welch).
"""

import importlib
import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from adapters.hrv.factory import build_hrv_backend
from application.wellness.features import extract_features
from domain.wellness.hrv import CleanBeats, FeatureOrigin, clean_beats
from domain.wellness.samples import BiometricSample, Source
from tests.unit.wellness.builders import NOW

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hrv"
pytest.importorskip("neurokit2")


def raw_beats(intervals) -> CleanBeats:
    rr = [float(x) for x in intervals]
    return CleanBeats(tuple(rr), tuple(np.cumsum(rr) / 1000.0), removed=0)


@pytest.fixture(scope="module")
def long_series() -> np.ndarray:
    return np.load(FIXTURES / "SampleNNISeriesLong.npy").astype(float)


@pytest.fixture(scope="module")
def short_series() -> np.ndarray:
    return np.load(FIXTURES / "SampleNNISeriesShort.npy").astype(float)


@pytest.fixture(scope="module", params=["fast", "neurokit2"])
def analyzer(request):
    backend = build_hrv_backend(request.param)
    assert backend.analyzer is not None, backend.description
    return backend.analyzer


def test_the_fast_engine_is_neurokit2_on_every_real_minute(long_series):
    """Both engines on each minute of the hour, with and without removed beats."""
    fast = build_hrv_backend("fast").analyzer
    reference = build_hrv_backend("neurokit2").analyzer
    dirty = long_series.copy()
    dirty[np.arange(25, len(dirty), 97)] *= 1.8  # a missed beat every ~75 s
    ends = np.cumsum(long_series) / 1000.0
    windows = 0
    for series in (long_series, dirty):
        for minute in range(60):
            chunk = series[(ends >= minute * 60) & (ends < (minute + 1) * 60)]
            beats = clean_beats(chunk)
            if not beats.usable_for_time_domain:
                continue
            windows += 1
            got, want = fast.time_domain(beats), reference.time_domain(beats)
            for name in ("mean_hr", "rmssd", "sdnn", "pnn50"):
                assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-9), name
    assert windows >= 110


def test_time_domain_matches_pyhrv_reference_on_the_hour_long_series(analyzer, long_series):
    td = analyzer.time_domain(raw_beats(long_series))
    assert td.sdnn == pytest.approx(85.36, abs=0.01)
    assert td.rmssd == pytest.approx(60.52, abs=0.01)
    assert td.pnn50 == pytest.approx(28.57, abs=0.01)
    assert td.mean_hr == pytest.approx(60000 / 768.438, abs=0.01)


def test_lf_hf_agrees_with_pyhrv_welch_estimate(analyzer, long_series):
    assert analyzer.lf_hf(raw_beats(long_series)) == pytest.approx(1.785, rel=0.03)


def test_short_series_agrees_with_the_textbook_definitions(analyzer, short_series):
    td = analyzer.time_domain(raw_beats(short_series))
    diffs = np.diff(short_series)
    assert td.rmssd == pytest.approx(float(np.sqrt(np.mean(diffs ** 2))), rel=1e-9)
    assert td.sdnn == pytest.approx(float(np.std(short_series, ddof=1)), rel=1e-9)


def test_differences_are_never_taken_across_a_removed_beat(analyzer, short_series):
    rr = [float(x) for x in short_series[:200]]
    ends = np.cumsum(rr) / 1000.0
    removed = {60, 120, 121}
    kept = [i for i in range(len(rr)) if i not in removed]
    beats = CleanBeats(tuple(rr[i] for i in kept), tuple(ends[i] for i in kept), len(removed))
    pairs = [(a, b) for a, b in itertools.pairwise(kept) if b == a + 1]
    expected = np.sqrt(np.mean([(rr[b] - rr[a]) ** 2 for a, b in pairs]))
    across = np.sqrt(np.mean(np.diff([rr[i] for i in kept]) ** 2))
    assert expected != pytest.approx(across, rel=1e-3)  # the gaps matter on this series
    assert analyzer.time_domain(beats).rmssd == pytest.approx(expected, rel=1e-9)


def test_artefact_filtering_keeps_rmssd_near_the_clean_value(analyzer, long_series):
    dirty = long_series.copy()
    rng = np.random.default_rng(7)
    spikes = rng.choice(np.arange(10, len(dirty) - 10), size=40, replace=False)
    dirty[spikes] = dirty[spikes] * 1.9  # missed beats, as a wrist sensor produces them
    naive = analyzer.time_domain(raw_beats(dirty)).rmssd
    cleaned = analyzer.time_domain(clean_beats(dirty)).rmssd
    assert naive > 75  # forty missed beats inflate RMSSD by a quarter
    assert cleaned == pytest.approx(60.52, rel=0.10)


def test_a_sample_with_five_minutes_of_beats_gets_lf_hf(analyzer, short_series):
    sample = BiometricSample(timestamp=NOW, heart_rate=71.0, source=Source.POLAR,
                             rr_intervals_ms=tuple(float(x) for x in short_series))
    features = extract_features(sample, analyzer)
    assert features.origin is FeatureOrigin.RR_INTERVALS
    assert features.lf_hf is not None
    assert features.lf_hf > 0
    assert 20 < features.rmssd < 120


def test_without_neurokit2_the_factory_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "neurokit2", None)  # makes `import neurokit2` fail
    monkeypatch.delitem(sys.modules, "adapters.hrv.neurokit", raising=False)
    monkeypatch.delitem(sys.modules, "adapters.hrv.fast", raising=False)
    factory = importlib.import_module("adapters.hrv.factory")
    backend = factory.build_hrv_backend()
    assert backend.analyzer is None
    assert factory.build_hrv_backend("neurokit2").analyzer is None
    assert "hrv" in backend.description
    assert "summary values" in backend.description
