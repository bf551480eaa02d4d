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

import numpy as np

from domain.wellness.artefacts import kubios_correct
from domain.wellness.samples import BiometricSample

# Intervals outside this range are not heartbeats (a 300 ms interval is 200 bpm, 2000 ms is
# 30 bpm): they are dropped one by one and counted, and the rest is judged by
# Lipponen & Tarvainen's artefact correction (`domain.wellness.artefacts`).
PLAUSIBLE_RR_MS = (300.0, 2000.0)
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
    """Beat-to-beat intervals fit for HRV; `times_s` keep the gaps of dropped beats visible.

    `removed`: intervals outside `PLAUSIBLE_RR_MS`, dropped; `corrected`: beats the
    artefact correction moved, inserted or merged; `received`: intervals the device sent.
    """

    intervals_ms: tuple[float, ...]
    times_s: tuple[float, ...]  # end of each kept interval since the first beat
    removed: int
    corrected: int = 0
    received: int | None = None

    @property
    def total(self) -> int:
        return self.received if self.received is not None else len(self.intervals_ms) + self.removed

    @property
    def artefact_share(self) -> float:
        """Share of the received intervals that were dropped or corrected."""
        return min(1.0, (self.removed + self.corrected) / self.total) if self.total else 0.0

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
        return [
            abs((t[i + 1] - t[i]) * 1000.0 - rr[i + 1]) <= GAP_TOLERANCE_MS
            for i in range(len(rr) - 1)
        ]

    @property
    def usable_for_time_domain(self) -> bool:
        return (
            len(self.intervals_ms) >= MIN_BEATS_TIME_DOMAIN
            and self.artefact_share <= MAX_ARTEFACT_SHARE
        )

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
    artefact_share: list[float | None]  # None: the sample carried no beats

    def __len__(self) -> int:
        return len(self.heart_rate)


def summary_columns(
    heart_rate: list[float],
    rmssd: list[float | None],
    sdnn: list[float | None],
    pnn50: list[float | None],
) -> FeatureColumns:
    """`features_from_summary` for every sample at once (copies, so callers may override)."""
    # Stress rests on RMSSD: an SDNN-only device is judged on heart rate, and says so.
    origin = [
        FeatureOrigin.HEART_RATE_ONLY if r is None else FeatureOrigin.DEVICE_SUMMARY for r in rmssd
    ]
    return FeatureColumns(
        list(heart_rate), list(rmssd), list(sdnn), list(pnn50), origin, [None] * len(heart_rate)
    )


def clean_beats(intervals_ms: Sequence[float]) -> CleanBeats:
    """Drop intervals outside 300-2000 ms, then correct artefacts in each unbroken run.

    A dropped interval breaks the series: the runs on either side are corrected on their
    own and the gap stays in `times_s`, so no successive difference spans it.
    """
    rr = np.asarray(intervals_ms, dtype=float)
    n = len(rr)
    lo, hi = PLAUSIBLE_RR_MS
    plausible = (rr >= lo) & (rr <= hi)  # NaN is not
    ends = np.cumsum(np.where(np.isfinite(rr), rr, 0.0)) / 1000.0
    if plausible.all():
        fixed = kubios_correct(rr)
        if not fixed.corrected:
            return CleanBeats(tuple(rr.tolist()), tuple(ends.tolist()), 0, 0, n)
        return CleanBeats(
            tuple(fixed.intervals_ms.tolist()),
            tuple((np.cumsum(fixed.intervals_ms) / 1000.0).tolist()),
            0,
            fixed.corrected,
            n,
        )
    kept: list[float] = []
    times: list[float] = []
    corrected = 0
    bounds = np.flatnonzero(np.diff(np.concatenate(([0], plausible.view(np.int8), [0]))))
    for first, last in zip(bounds[::2], bounds[1::2], strict=True):
        fixed = kubios_correct(rr[first:last])
        corrected += fixed.corrected
        start_s = ends[first - 1] if first else 0.0
        kept += fixed.intervals_ms.tolist()
        times += (start_s + np.cumsum(fixed.intervals_ms) / 1000.0).tolist()
    return CleanBeats(tuple(kept), tuple(times), int(n - plausible.sum()), corrected, n)


def features_from_summary(sample: BiometricSample) -> HrvFeatures:
    """The device's own values, when no usable beats came with the sample."""
    has_hrv = sample.hrv_rmssd is not None
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
