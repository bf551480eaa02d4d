"""Emotion label with an honest confidence and the evidence behind it.

The body gives arousal (stress load: HRV and heart rate against baseline);
only the person can say whether it feels pleasant, so recent mood check-ins
supply valence. Minutes of physical activity (`domain.wellness.activity`) are
labelled `active` and judged no further.

This is a rule, not a validated classifier: no labelled stress data exist offline to
fit or test one. Confidence is therefore defined as a bounded degree of support, not a
measured hit rate:

    confidence = MAX_CONFIDENCE x clarity x signal x (1 - artefact_share)
                 x baseline reliability x valence factor

each factor in (0, 1]; clarity: how far the stress score sits from a zone edge (0.5 on
an edge, 1 half a zone away); signal: beats 1.0, a device's RMSSD 0.85, heart rate
alone (or SDNN alone) 0.55; baseline reliability 0.15 (none) to 1.0 (14+ days); valence
0.85 where the label assumes a mood nobody reported. MAX_CONFIDENCE is 0.7, so no label
ever reaches 0.8: 0.8 would promise that four in five such labels match what the person
would report, and nothing here has been validated against reports. Every factor can
only lower it, so worse signal, more artefacts or a younger baseline never raise it.
Below 0.5 (`UNCERTAIN_BELOW`) the words say it is uncertain.

`classify` is cheap (it runs for every ingested sample); `explain` turns a
state into sentences only when someone asks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from domain.wellness.activity import ACTIVE_HR_DELTA
from domain.wellness.baseline import Baseline
from domain.wellness.hrv import FeatureColumns, FeatureOrigin, HrvFeatures
from domain.wellness.mood import ReportedValence
from domain.wellness.stress import (
    HR_ONLY_WEIGHT,
    HR_SCALE_BPM,
    HR_WEIGHT,
    HRV_WEIGHT,
    NEUTRAL_LOAD_OFFSET,
    RELAXED_DAYTIME_HR_DELTA,
    SIGMOID_SLOPE,
    ZONE_UPPER_BOUNDS,
    StressReading,
    StressZone,
    stress_reading,
)


class Emotion(StrEnum):
    CALM = "calm"
    RELAXED = "relaxed"
    FOCUSED = "focused"
    STRESSED = "stressed"
    ANXIOUS = "anxious"
    FATIGUED = "fatigued"
    ACTIVE = "active"  # physical activity: says nothing about emotion
    UNKNOWN = "unknown"


class Reason(StrEnum):
    ACTIVITY = "activity"
    FATIGUE_PATTERN = "fatigue_pattern"
    HIGH_LOAD_UNPLEASANT = "high_load_unpleasant"
    HIGH_LOAD = "high_load"
    MEDIUM_LOAD_UNPLEASANT = "medium_load_unpleasant"
    MEDIUM_LOAD = "medium_load"
    LOW_LOAD = "low_load"
    REST_LOAD = "rest_load"


NEGATIVE_VALENCE = -0.25  # below this a reported mood counts as unpleasant
# HRV two of the person's minute-level standard deviations low (about 1 resting minute in
# 40 of their normal days)...
FATIGUE_HRV_Z = -2.0
FATIGUE_MAX_HR_DELTA = 10.0  # ...while the heart rate is not raised: tiredness, not arousal
ZONE_EDGES = (25.5, 50.5, 75.5)
CLARITY_SPAN = 12.5  # half a zone: a score this far from an edge is unambiguous
MAX_CONFIDENCE = 0.7  # a rule nobody could validate offline: never "four in five"
UNCERTAIN_BELOW = 0.5
# How sure Psi is that a minute was movement: the device or its steps said so, or only
# the heart rate suggests it.
ACTIVE_DECLARED = MAX_CONFIDENCE
ACTIVE_FROM_HEART_RATE = 0.5
ORIGIN_QUALITY = {
    FeatureOrigin.RR_INTERVALS: 1.0,
    FeatureOrigin.DEVICE_SUMMARY: 0.85,
    FeatureOrigin.HEART_RATE_ONLY: 0.55,
}
VALENCE_UNREPORTED = 0.85  # labels that assume a neutral-to-pleasant valence nobody reported
ASSUMES_VALENCE = frozenset({"focused", "stressed", "relaxed"})


@dataclass(frozen=True, slots=True)
class EmotionState:
    emotion: Emotion
    confidence: float
    stress: StressReading
    reason: Reason
    origin: FeatureOrigin
    valence_used: bool
    valence_reported: bool


def _clarity(score: int) -> float:
    distance = min(abs(score - edge) for edge in ZONE_EDGES)
    return 0.5 + 0.5 * min(1.0, distance / CLARITY_SPAN)


def _label(reading: StressReading, unpleasant: bool, active: bool) -> tuple[Emotion, Reason]:
    dev = reading.deviation
    if active or dev.hr_delta_bpm >= ACTIVE_HR_DELTA:
        return Emotion.ACTIVE, Reason.ACTIVITY
    if (
        dev.hrv_z is not None
        and dev.hrv_z <= FATIGUE_HRV_Z
        and dev.hr_delta_bpm <= FATIGUE_MAX_HR_DELTA
    ):
        return Emotion.FATIGUED, Reason.FATIGUE_PATTERN
    zone = reading.zone
    if zone is StressZone.HIGH:
        return (
            (Emotion.ANXIOUS, Reason.HIGH_LOAD_UNPLEASANT)
            if unpleasant
            else (Emotion.STRESSED, Reason.HIGH_LOAD)
        )
    if zone is StressZone.MEDIUM:
        return (
            (Emotion.STRESSED, Reason.MEDIUM_LOAD_UNPLEASANT)
            if unpleasant
            else (Emotion.FOCUSED, Reason.MEDIUM_LOAD)
        )
    if zone is StressZone.LOW:
        return Emotion.RELAXED, Reason.LOW_LOAD
    return Emotion.CALM, Reason.REST_LOAD


def signal_quality(origin: FeatureOrigin, artefact_share: float | None) -> float:
    """How much the data can carry: the kind of signal, less the share of bad beats."""
    return ORIGIN_QUALITY[origin] * (1.0 - min(1.0, artefact_share or 0.0))


def classify(
    features: HrvFeatures,
    baseline: Baseline,
    valence: ReportedValence | None = None,
    *,
    declared_active: bool = False,
    quality: float | None = None,
) -> EmotionState:
    """`declared_active`: the device or its steps say the person is moving. `quality`:
    the signal quality of a window of readings (default: this reading's own)."""
    reading = stress_reading(baseline, features.heart_rate, features.ln_rmssd)
    unpleasant = valence is not None and valence.value < NEGATIVE_VALENCE
    emotion, reason = _label(reading, unpleasant, declared_active)
    used_valence = reason in (Reason.HIGH_LOAD_UNPLEASANT, Reason.MEDIUM_LOAD_UNPLEASANT)
    if emotion is Emotion.ACTIVE:
        confidence = ACTIVE_DECLARED if declared_active else ACTIVE_FROM_HEART_RATE
        reading = StressReading(0, StressZone.REST, reading.deviation, reading.load)
    else:
        if quality is None:
            quality = signal_quality(features.origin, features.artefact_share)
        if used_valence and valence is not None:
            valence_factor = 0.7 + 0.3 * valence.weight
        elif valence is None and emotion in ASSUMES_VALENCE:
            valence_factor = VALENCE_UNREPORTED
        else:
            valence_factor = 1.0
        confidence = (
            MAX_CONFIDENCE
            * _clarity(reading.score)
            * quality
            * baseline.reliability
            * valence_factor
        )
    return EmotionState(
        emotion=emotion,
        confidence=round(min(MAX_CONFIDENCE, confidence), 2),
        stress=reading,
        reason=reason,
        origin=features.origin,
        valence_used=used_valence,
        valence_reported=valence is not None,
    )


@dataclass(frozen=True, slots=True)
class StateColumns:
    """What `classify_many` judged, one entry per sample (emotions as their values)."""

    stress_score: list[int]
    emotion: list[str]
    confidence: list[float]


# Label codes of the vectorised path, and their values.
_CALM, _RELAXED, _FOCUSED, _STRESSED, _ANXIOUS, _FATIGUED, _ACTIVE = range(7)
_CODE_VALUES = np.array(
    [
        e.value
        for e in (
            Emotion.CALM,
            Emotion.RELAXED,
            Emotion.FOCUSED,
            Emotion.STRESSED,
            Emotion.ANXIOUS,
            Emotion.FATIGUED,
            Emotion.ACTIVE,
        )
    ],
    dtype=object,
)
_ASSUMES_VALENCE_CODES = [
    code for code, value in enumerate(_CODE_VALUES) if value in ASSUMES_VALENCE
]


def classify_many(
    features: FeatureColumns,
    baselines: Sequence[Baseline],
    baseline_of: Sequence[int],
    valences: Sequence[ReportedValence | None] | None = None,
    declared_active: np.ndarray | None = None,
) -> StateColumns:
    """`classify` for a whole batch at once, with the same results to the last bit.

    Sample i is judged against `baselines[baseline_of[i]]` and `valences[i]` (None: no
    valence reported for any sample); `declared_active[i]`: its device or steps say it
    was a minute of movement (None: none was). The arithmetic is `classify`'s, operation for
    operation, in numpy; the few operations numpy does not round exactly as Python does
    (log, exp, rounding to two decimals) are left to Python's own functions.
    """
    n = len(features)
    if n == 0:
        return StateColumns([], [], [])
    which = np.asarray(baseline_of, dtype=np.intp)
    hr = np.asarray(features.heart_rate, dtype=float)
    ln = np.array([math.log(r) if r else np.nan for r in features.rmssd], dtype=float)
    has_hrv = ~np.isnan(ln)
    ln_mean = np.array([b.ln_rmssd_mean for b in baselines], dtype=float)[which]
    ln_sd = np.array([b.ln_rmssd_minute_sd for b in baselines], dtype=float)[which]
    hr_mean = np.array([b.resting_hr_mean for b in baselines], dtype=float)[which]
    reliability = np.array([b.reliability for b in baselines], dtype=float)[which]

    # stress_reading: deviation, load, score, zone
    hrv_z = (ln - ln_mean) / ln_sd  # NaN without HRV
    hr_delta = hr - hr_mean
    hr_term = (hr_delta - RELAXED_DAYTIME_HR_DELTA) / HR_SCALE_BPM
    load = np.where(has_hrv, HRV_WEIGHT * -hrv_z + HR_WEIGHT * hr_term, HR_ONLY_WEIGHT * hr_term)
    x = SIGMOID_SLOPE * (load - NEUTRAL_LOAD_OFFSET)
    e = np.array([math.exp(v) for v in (-np.abs(x)).tolist()], dtype=float)
    value = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    score = np.clip(np.rint(100.0 * value), 0, 100)
    (rest, _), (low, _), (medium, _), _ = ZONE_UPPER_BOUNDS
    zone_high, zone_medium, zone_low = (
        score > medium,
        (score > low) & (score <= medium),
        (score > rest) & (score <= low),
    )

    # _label
    if valences is None:
        unpleasant = np.zeros(n, dtype=bool)
        reported = unpleasant
        weight = np.zeros(n)
    else:
        unpleasant = np.array([v is not None and v.value < NEGATIVE_VALENCE for v in valences])
        reported = np.array([v is not None for v in valences])
        weight = np.array([0.0 if v is None else v.weight for v in valences], dtype=float)
    declared = np.zeros(n, dtype=bool) if declared_active is None else declared_active
    activity = declared | (hr_delta >= ACTIVE_HR_DELTA)
    fatigue = ~activity & has_hrv & (hrv_z <= FATIGUE_HRV_Z) & (hr_delta <= FATIGUE_MAX_HR_DELTA)
    code = np.select(
        [
            activity,
            fatigue,
            zone_high & unpleasant,
            zone_high,
            zone_medium & unpleasant,
            zone_medium,
            zone_low,
        ],
        [_ACTIVE, _FATIGUED, _ANXIOUS, _STRESSED, _STRESSED, _FOCUSED, _RELAXED],
        _CALM,
    )
    used_valence = ~activity & ~fatigue & (zone_high | zone_medium) & unpleasant

    # confidence
    artefacts = np.array(
        [0.0 if a is None else min(1.0, a) for a in features.artefact_share], dtype=float
    )
    quality = np.array([ORIGIN_QUALITY[o] for o in features.origin], dtype=float) * (
        1.0 - artefacts
    )
    valence_factor = np.where(
        used_valence,
        0.7 + 0.3 * weight,
        np.where(~reported & np.isin(code, _ASSUMES_VALENCE_CODES), VALENCE_UNREPORTED, 1.0),
    )
    distance = np.minimum(
        np.minimum(np.abs(score - ZONE_EDGES[0]), np.abs(score - ZONE_EDGES[1])),
        np.abs(score - ZONE_EDGES[2]),
    )
    clarity = 0.5 + 0.5 * np.minimum(1.0, distance / CLARITY_SPAN)
    confidence = np.minimum(
        MAX_CONFIDENCE, MAX_CONFIDENCE * clarity * quality * reliability * valence_factor
    )
    confidence = np.where(
        activity, np.where(declared, ACTIVE_DECLARED, ACTIVE_FROM_HEART_RATE), confidence
    )
    score = np.where(activity, 0.0, score)
    # Python's round(x, 2) is correctly rounded; numpy's is not: round each distinct value.
    distinct, inverse = np.unique(confidence, return_inverse=True)
    rounded = np.array([round(c, 2) for c in distinct.tolist()], dtype=float)[inverse]
    return StateColumns(
        stress_score=score.astype(int).tolist(),
        emotion=_CODE_VALUES[code].tolist(),
        confidence=rounded.tolist(),
    )


def explain(state: EmotionState, baseline: Baseline) -> tuple[str, ...]:
    """Plain sentences a person can check against how they feel."""
    dev = state.stress.deviation
    hrv = (
        "no HRV"
        if dev.hrv_z is None
        else f"HRV {abs(dev.hrv_z):.1f} SD {'below' if dev.hrv_z < 0 else 'above'} baseline"
    )
    hr = f"heart rate {dev.hr_delta_bpm:+.0f} bpm against resting"
    texts = {
        Reason.ACTIVITY: "Physical activity (the device, its steps or a heart rate "
        f"{dev.hr_delta_bpm:.0f} bpm above resting say so): movement, which "
        "says nothing about stress or emotion, so none is scored.",
        Reason.FATIGUE_PATTERN: f"{hrv} without a raised heart rate: a pattern of tiredness "
        "rather than arousal.",
        Reason.HIGH_LOAD_UNPLEASANT: f"High stress load ({hrv}, {hr}) and a recent unpleasant "
        "mood check-in.",
        Reason.HIGH_LOAD: f"High stress load ({hrv}, {hr}).",
        Reason.MEDIUM_LOAD_UNPLEASANT: f"Moderate stress load ({hrv}, {hr}) and a recent "
        "unpleasant mood check-in.",
        Reason.MEDIUM_LOAD: f"Moderate, steady arousal ({hrv}, {hr}) without a reported "
        "unpleasant mood.",
        Reason.LOW_LOAD: f"Low stress load, close to baseline ({hrv}, {hr}).",
        Reason.REST_LOAD: f"Stress at rest level ({hrv}, {hr}).",
    }
    reasons = [texts[state.reason], baseline.explain()]
    if state.origin is FeatureOrigin.HEART_RATE_ONLY and state.emotion is not Emotion.ACTIVE:
        reasons.append("No RMSSD in this reading: the estimate rests on heart rate alone.")
    if state.emotion is not Emotion.ACTIVE:
        reasons.append(confidence_sentence(state.confidence))
    if not state.valence_reported and state.emotion.value in ASSUMES_VALENCE:
        reasons.append("No recent mood check-in: how this feels is assumed, not reported.")
    return tuple(reasons)


def is_uncertain(confidence: float) -> bool:
    return confidence < UNCERTAIN_BELOW


def confidence_sentence(confidence: float) -> str:
    hedge = "Uncertain: treat this as a hint, not a finding. " if is_uncertain(confidence) else ""
    return (
        f"{hedge}Confidence {confidence:.2f} of at most {MAX_CONFIDENCE:.2f}: a fixed rule "
        "on heart rate and HRV, not a classifier validated against how people felt."
    )
