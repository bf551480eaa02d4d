"""Heart-rate variability features: which beats to trust, and what to compute from them.

The arithmetic (RMSSD, SDNN, pNN50, LF/HF) is done by an HRV library behind a
port; this module decides which intervals are artefacts, when a window is long
enough for a measure, and what to fall back on when there are no beats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.wellness.samples import RR_INTERVAL_MS, BiometricSample

# A beat more than 30 % away from the median of its neighbours is an artefact (missed,
# extra or ectopic beat). Malik's classic 20 % also removes real respiratory sinus
# arrhythmia in people with high HRV (3 % of the beats of pyhrv's hour-long series)
# and biases RMSSD down; 30 % removes under 1 % of those and still catches missed beats.
ARTEFACT_RELATIVE_CHANGE = 0.30
ARTEFACT_MEDIAN_WINDOW = 5  # beats on each side of the local median
GAP_TOLERANCE_MS = 10.0
MIN_BEATS_TIME_DOMAIN = 30  # ~30 s of beats: the shortest window ultra-short RMSSD tolerates
MAX_ARTEFACT_SHARE = 0.20  # beyond this the window says more about the sensor than the heart
# LF starts at 0.04 Hz: the standard five-minute recording holds ~12 of its slowest cycles
# (a "five-minute" recording ends a few hundred milliseconds short, hence 290 s).
MIN_SECONDS_LF_HF = 290.0


class FeatureOrigin(StrEnum):
    RR_INTERVALS = "rr_intervals"  # computed here from beat-to-beat intervals
    DEVICE_SUMMARY = "device_summary"  # the wearable's own HRV values
    HEART_RATE_ONLY = "heart_rate_only"  # no HRV at all: stress rests on heart rate


@dataclass(frozen=True, slots=True)
class CleanBeats:
    """Beat-to-beat intervals with artefacts removed; `times_s` keep the gaps visible."""

    intervals_ms: tuple[float, ...]
    times_s: tuple[float, ...]  # end of each kept interval since the first beat
    removed: int

    @property
    def total(self) -> int:
        return len(self.intervals_ms) + self.removed

    @property
    def artefact_share(self) -> float:
        return self.removed / self.total if self.total else 0.0

    @property
    def duration_s(self) -> float:
        """Span of the window, removed beats included."""
        return self.times_s[-1] if self.times_s else 0.0

    def successive(self) -> list[bool]:
        """For each pair of neighbouring kept beats: True when no beat was removed between.

        A gap shows as an end-time step longer than the interval itself (10 ms
        tolerance, neurokit2's `thresh_unequal`).
        """
        t, rr = self.times_s, self.intervals_ms
        return [abs((t[i + 1] - t[i]) * 1000.0 - rr[i + 1]) <= GAP_TOLERANCE_MS
                for i in range(len(rr) - 1)]

    @property
    def usable_for_time_domain(self) -> bool:
        return (len(self.intervals_ms) >= MIN_BEATS_TIME_DOMAIN
                and self.artefact_share <= MAX_ARTEFACT_SHARE)

    @property
    def usable_for_lf_hf(self) -> bool:
        return self.usable_for_time_domain and self.duration_s >= MIN_SECONDS_LF_HF


@dataclass(frozen=True, slots=True)
class TimeDomain:
    """What the HRV library computes from clean beats."""

    mean_hr: float
    rmssd: float
    sdnn: float
    pnn50: float


@dataclass(frozen=True, slots=True)
class HrvFeatures:
    heart_rate: float
    rmssd: float | None
    sdnn: float | None
    pnn50: float | None
    lf_hf: float | None
    origin: FeatureOrigin
    artefact_share: float = 0.0

    @property
    def ln_rmssd(self) -> float | None:
        return math.log(self.rmssd) if self.rmssd else None


@dataclass(frozen=True, slots=True)
class FeatureColumns:
    """`HrvFeatures` of a whole batch, one entry per sample (LF/HF is not kept: nothing
    downstream of classification reads it)."""

    heart_rate: list[float]
    rmssd: list[float | None]
    sdnn: list[float | None]
    pnn50: list[float | None]
    origin: list[FeatureOrigin]
    artefact_share: list[float]

    def __len__(self) -> int:
        return len(self.heart_rate)


def summary_columns(heart_rate: list[float], rmssd: list[float | None],
                    sdnn: list[float | None], pnn50: list[float | None]) -> FeatureColumns:
    """`features_from_summary` for every sample at once (copies, so callers may override)."""
    origin = [FeatureOrigin.DEVICE_SUMMARY if r is not None or s is not None
              else FeatureOrigin.HEART_RATE_ONLY for r, s in zip(rmssd, sdnn, strict=True)]
    return FeatureColumns(list(heart_rate), list(rmssd), list(sdnn), list(pnn50), origin,
                          [0.0] * len(heart_rate))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def clean_beats(intervals_ms: Sequence[float]) -> CleanBeats:
    """Drop intervals outside 250-2500 ms or 30 % away from their local median.

    Removed beats leave a gap in `times_s`, so successive differences are never
    taken across a removed beat.
    """
    lo, hi = RR_INTERVAL_MS
    n = len(intervals_ms)
    kept: list[float] = []
    times: list[float] = []
    elapsed = 0.0
    w = ARTEFACT_MEDIAN_WINDOW
    for i, rr in enumerate(intervals_ms):
        elapsed += rr / 1000.0
        if not lo <= rr <= hi:
            continue
        neighbours = [x for x in intervals_ms[max(0, i - w): min(n, i + w + 1)] if lo <= x <= hi]
        ref = _median(neighbours)
        if abs(rr - ref) > ARTEFACT_RELATIVE_CHANGE * ref:
            continue
        kept.append(float(rr))
        times.append(elapsed)
    return CleanBeats(tuple(kept), tuple(times), n - len(kept))


def features_from_summary(sample: BiometricSample) -> HrvFeatures:
    """The device's own values, when no usable beats came with the sample."""
    has_hrv = sample.hrv_rmssd is not None or sample.hrv_sdnn is not None
    return HrvFeatures(
        heart_rate=sample.heart_rate,
        rmssd=sample.hrv_rmssd,
        sdnn=sample.hrv_sdnn,
        pnn50=sample.pnn50,
        lf_hf=None,
        origin=FeatureOrigin.DEVICE_SUMMARY if has_hrv else FeatureOrigin.HEART_RATE_ONLY,
    )


def features_from_beats(
    sample: BiometricSample, beats: CleanBeats, time_domain: TimeDomain, lf_hf: float | None
) -> HrvFeatures:
    """Beat-derived values; the device's heart rate stays the reading of record."""
    return HrvFeatures(
        heart_rate=sample.heart_rate,
        rmssd=time_domain.rmssd,
        sdnn=time_domain.sdnn,
        pnn50=time_domain.pnn50,
        lf_hf=lf_hf if beats.usable_for_lf_hf else None,
        origin=FeatureOrigin.RR_INTERVALS,
        artefact_share=beats.artefact_share,
    )
