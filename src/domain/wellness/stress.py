"""Stress score 0-100 from how far a reading sits from the person's baseline.

Low HRV relative to baseline and heart rate above resting both push the score
up; the mapping is monotonic in each (a higher heart rate at the same HRV never
lowers stress). Zones follow Garmin's: rest 0-25, low 26-50, medium 51-75,
high 76-100.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from domain.wellness.baseline import Baseline

HRV_WEIGHT = 0.65
HR_WEIGHT = 0.35
HR_ONLY_WEIGHT = 0.8  # without HRV the heart rate alone speaks, a little more softly
RELAXED_DAYTIME_HR_DELTA = 10.0  # bpm above resting that a seated, calm person shows
HR_SCALE_BPM = 12.0  # bpm of extra heart rate that count as one unit of load
SIGMOID_SLOPE = 1.2
NEUTRAL_LOAD_OFFSET = 0.7  # a reading exactly at baseline lands in the low zone (~30)


class StressZone(StrEnum):
    REST = "rest"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


ZONE_UPPER_BOUNDS = (
    (25, StressZone.REST),
    (50, StressZone.LOW),
    (75, StressZone.MEDIUM),
    (100, StressZone.HIGH),
)


def zone_of(score: int) -> StressZone:
    for upper, zone in ZONE_UPPER_BOUNDS:
        if score <= upper:
            return zone
    return StressZone.HIGH


@dataclass(frozen=True, slots=True)
class Deviation:
    """Where a reading sits relative to the baseline."""

    hrv_z: float | None  # (ln RMSSD - baseline mean) / baseline sd; negative = suppressed
    hr_delta_bpm: float  # heart rate minus baseline resting heart rate


@dataclass(frozen=True, slots=True)
class StressReading:
    score: int
    zone: StressZone
    deviation: Deviation
    load: float


def deviation_from(baseline: Baseline, heart_rate: float, ln_rmssd: float | None) -> Deviation:
    """A reading of minutes against the baseline's spread of minutes at rest (not the
    spread of day averages, which is far narrower)."""
    hrv_z = (
        None
        if ln_rmssd is None
        else (ln_rmssd - baseline.ln_rmssd_mean) / baseline.ln_rmssd_minute_sd
    )
    return Deviation(hrv_z=hrv_z, hr_delta_bpm=heart_rate - baseline.resting_hr_mean)


def stress_load(deviation: Deviation) -> float:
    hr_term = (deviation.hr_delta_bpm - RELAXED_DAYTIME_HR_DELTA) / HR_SCALE_BPM
    if deviation.hrv_z is None:
        return HR_ONLY_WEIGHT * hr_term
    return HRV_WEIGHT * -deviation.hrv_z + HR_WEIGHT * hr_term


def score_from_load(load: float) -> int:
    x = SIGMOID_SLOPE * (load - NEUTRAL_LOAD_OFFSET)
    # Numerically safe logistic: never overflows for extreme loads.
    value = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return min(100, max(0, round(100.0 * value)))


def stress_reading(baseline: Baseline, heart_rate: float, ln_rmssd: float | None) -> StressReading:
    deviation = deviation_from(baseline, heart_rate, ln_rmssd)
    load = stress_load(deviation)
    score = score_from_load(load)
    return StressReading(score=score, zone=zone_of(score), deviation=deviation, load=load)
