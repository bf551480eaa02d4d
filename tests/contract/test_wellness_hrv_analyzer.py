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
    assert td.rmssd == pytest.approx(float(np.sqrt(np.mean(diffs**2))), rel=1e-9)
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


def test_the_uncleaned_real_hour_keeps_every_beat_and_pyhrv_values(analyzer, long_series):
    beats = clean_beats(long_series)
    assert beats.removed == 0
    assert len(beats.intervals_ms) >= len(long_series)  # no beat lost (3 put back)
    assert beats.artefact_share < 0.01
    td = analyzer.time_domain(beats)
    assert td.rmssd == pytest.approx(60.52, rel=0.01)
    assert td.sdnn == pytest.approx(85.36, rel=0.01)


def test_real_minutes_keep_their_pyhrv_values(analyzer, long_series):
    """The issue's numbers: median within 2 %, at least 90 % of minutes within 5 %."""
    ends = np.cumsum(long_series) / 1000.0
    rmssd, sdnn = [], []
    for minute in range(60):
        chunk = long_series[(ends >= minute * 60) & (ends < (minute + 1) * 60)]
        td = analyzer.time_domain(clean_beats(chunk))
        rmssd.append(td.rmssd / np.sqrt(np.mean(np.diff(chunk) ** 2)) - 1)
        sdnn.append(td.sdnn / np.std(chunk, ddof=1) - 1)
    for errors in (np.array(rmssd), np.array(sdnn)):
        assert abs(np.median(errors)) <= 0.02
        assert np.mean(np.abs(errors) <= 0.05) >= 0.9


def _nk_corrected(series: np.ndarray):
    """neurokit2's own Kubios correction and time domain, the reference."""
    import warnings

    import neurokit2 as nk

    peaks = np.concatenate(([0], np.cumsum(series))).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, fixed = nk.signal_fixpeaks(peaks, sampling_rate=1000, method="kubios", iterative=True)
        row = nk.hrv_time(fixed, sampling_rate=1000).iloc[0]
    return float(row["HRV_RMSSD"]), float(row["HRV_SDNN"])


def _inject(kind: str, series: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = [float(x) for x in series]
    for p in sorted(rng.choice(np.arange(10, len(d) - 10), 40, replace=False), reverse=True):
        if kind == "ectopic":  # premature beat and compensatory pause
            d[p], d[p + 1] = d[p] * 0.65, d[p + 1] * 1.35
        elif kind == "gap":  # a missed beat: two intervals as one
            d[p : p + 2] = [d[p] + d[p + 1]]
        elif kind == "extra":  # a spurious detection splits an interval
            d[p : p + 1] = [d[p] * 0.45, d[p] * 0.55]
        else:  # spikes: sensor glitches no heart makes
            d[p] = 150.0 if p % 2 else 2600.0
    return np.array(d)


@pytest.mark.parametrize("kind", ["ectopic", "gap", "extra", "spike"])
def test_injected_artefacts_are_corrected_like_neurokit2_does(analyzer, long_series, kind):
    dirty = _inject(kind, long_series, seed=11)
    raw = float(np.sqrt(np.mean(np.diff(dirty) ** 2)))
    td = analyzer.time_domain(clean_beats(dirty))
    nk_rmssd, nk_sdnn = _nk_corrected(dirty)
    clean_rmssd = 60.52
    assert abs(raw - clean_rmssd) > 0.15 * clean_rmssd  # the artefacts matter
    if kind == "spike":
        # out-of-range intervals are dropped before the correction; neurokit2 corrects
        # them as beats and does worse
        assert td.rmssd == pytest.approx(clean_rmssd, rel=0.03)
        assert abs(td.rmssd - clean_rmssd) <= abs(nk_rmssd - clean_rmssd)
        return
    assert td.rmssd == pytest.approx(nk_rmssd, rel=0.10)
    assert td.sdnn == pytest.approx(nk_sdnn, rel=0.05)
    # and it ends up far closer to the clean recording than the raw beats are
    assert abs(td.rmssd - clean_rmssd) < 0.5 * abs(raw - clean_rmssd)


def test_artefact_detection_is_neurokit2s(long_series):
    """The classification step, beat for beat (before the corrections Psi spares)."""
    import warnings

    import neurokit2 as nk

    from domain.wellness.artefacts import find_artefacts

    for series in (
        long_series,
        _inject("ectopic", long_series, 3),
        _inject("gap", long_series, 4),
        _inject("extra", long_series, 5),
    ):
        peaks = np.concatenate(([0], np.cumsum(series))).astype(int)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info, _ = nk.signal_fixpeaks(
                peaks, sampling_rate=1000, method="kubios", iterative=False
            )
        ours = find_artefacts(peaks.astype(float))
        for kind in ("ectopic", "missed", "extra", "longshort"):
            assert ours[kind] == [int(i) for i in info[kind]], kind


def test_artefact_filtering_keeps_rmssd_near_the_clean_value(analyzer, long_series):
    dirty = long_series.copy()
    rng = np.random.default_rng(7)
    spikes = rng.choice(np.arange(10, len(dirty) - 10), size=40, replace=False)
    dirty[spikes] = dirty[spikes] * 1.9  # missed beats, as a wrist sensor produces them
    naive = analyzer.time_domain(raw_beats(dirty)).rmssd
    cleaned = analyzer.time_domain(clean_beats(dirty)).rmssd
    assert naive > 75  # forty missed beats inflate RMSSD by a quarter
    assert cleaned == pytest.approx(60.52, rel=0.10)


def test_lf_hf_is_not_computed_at_ingestion(analyzer, short_series):
    """Nothing stores or shows LF/HF, so ingestion does not spend neurokit2 on it."""
    sample = BiometricSample(
        timestamp=NOW,
        heart_rate=71.0,
        source=Source.POLAR,
        rr_intervals_ms=tuple(float(x) for x in short_series),
    )
    features = extract_features(sample, analyzer)
    assert features.origin is FeatureOrigin.RR_INTERVALS
    assert features.lf_hf is None
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
