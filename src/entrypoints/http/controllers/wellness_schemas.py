"""Request and response structs of the biometrics, emotions and wellness endpoints."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from application.wellness.queries import CurrentEmotion, EmotionReading
from domain.wellness.activity import ACTIVITY_VALUES, Activity
from domain.wellness.baseline import BaselineStatus, status_of
from domain.wellness.emotion import Emotion, confidence_sentence, is_uncertain
from domain.wellness.mood import MAX_NOTE_CHARS, MoodCheckIn
from domain.wellness.samples import (
    HEART_RATE_BPM,
    HRV_MS,
    INTERVAL_S,
    MAX_BATCH,
    MAX_RR_PER_SAMPLE,
    PNN50_PERCENT,
    STEPS,
    Source,
)
from domain.wellness.score import DailyWellness, explain_day
from domain.wellness.series import EmotionPoint
from entrypoints.http.envelopes import iso
from entrypoints.http.params import documented
from entrypoints.http.schemas.base import Input, Output

# Ranges, sources and timestamps are judged by the domain, per sample and with the
# index in the field name; the structs check shapes and types, and bound the lists
# (the contract's 1-1000 samples, five minutes of beat-to-beat intervals) and strings so
# an oversized batch is refused while it is decoded, before any per-sample work.

RrIntervals = Annotated[list[float], msgspec.Meta(max_length=MAX_RR_PER_SAMPLE)]


def _range(bounds: tuple[float, float]) -> msgspec.Meta:
    return documented(minimum=bounds[0], maximum=bounds[1])


class SampleIn(Input):
    """The ranges and vocabularies are the domain's (domain/wellness/samples.py), stated in
    the document; a timestamp must also lie within the last 90 days and not in the future."""

    timestamp: datetime
    heart_rate: Annotated[float, _range(HEART_RATE_BPM)]
    source: Annotated[
        str, msgspec.Meta(max_length=64), documented(enum=sorted(s.value for s in Source))
    ]
    hrv_sdnn: Annotated[float, _range(HRV_MS)] | None = None
    hrv_rmssd: Annotated[float, _range(HRV_MS)] | None = None
    pnn50: Annotated[float, _range(PNN50_PERCENT)] | None = None
    rr_intervals_ms: RrIntervals | None = None
    steps: Annotated[int, _range(STEPS)] | None = None  # in the sample's interval
    activity: (
        Annotated[str, msgspec.Meta(max_length=16), documented(enum=sorted(ACTIVITY_VALUES))] | None
    ) = None
    interval_s: Annotated[float, _range(INTERVAL_S)] | None = None


class SamplesIn(Input):
    samples: Annotated[list[SampleIn], msgspec.Meta(max_length=MAX_BATCH)]


class IngestOut(Output):
    accepted: int
    duplicates: int


class MoodCheckInIn(Input):
    valence: int
    arousal: int | None = None
    label: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    # The domain allows MAX_NOTE_CHARS after trimming; this only bounds the work.
    note: Annotated[str, msgspec.Meta(max_length=4 * MAX_NOTE_CHARS)] | None = None
    timestamp: datetime | None = None


class MoodCheckInOut(Output):
    id: UUID
    timestamp: datetime
    valence: int
    arousal: int | None
    label: str | None
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, c: MoodCheckIn) -> MoodCheckInOut:
        return cls(
            id=c.id,
            timestamp=iso(c.timestamp),
            valence=c.valence,
            arousal=c.arousal,
            label=c.label,
            note=c.note,
            created_at=iso(c.created_at),
        )


class EmotionOut(Output):
    timestamp: datetime
    emotion: Emotion  # a StrEnum: encodes as its value, and OpenAPI lists the vocabulary
    confidence: float
    stress_score: int
    heart_rate: float
    hrv_rmssd: float | None
    # Raw points only (null for hour and day buckets): what the sample carried.
    hrv_sdnn: float | None = None
    artefact_share: float | None = None  # share of its beats dropped or corrected
    activity: Activity | None = None
    steps: float | None = None

    @classmethod
    def of(cls, r: EmotionReading) -> EmotionOut:
        return cls(
            iso(r.timestamp), r.emotion, r.confidence, r.stress_score, r.heart_rate, r.hrv_rmssd
        )

    @classmethod
    def of_point(cls, p: EmotionPoint) -> EmotionOut:
        return cls(
            iso(p.timestamp),
            p.emotion,
            p.confidence,
            p.stress_score,
            p.heart_rate,
            p.hrv_rmssd,
            p.hrv_sdnn,
            None if p.artefact_share is None else round(p.artefact_share, 4),
            None if p.activity is None else Activity(p.activity),
            p.steps,
        )


class BaselineOut(Output):
    status: str
    days: int
    days_needed: int
    window_start: date | None
    window_end: date | None
    rmssd_ms: float
    ln_rmssd_mean: float
    ln_rmssd_sd: float
    resting_heart_rate: float
    resting_heart_rate_sd: float
    personal: bool


class DeviationOut(Output):
    hrv_z: float | None
    heart_rate_delta_bpm: float
    stress_score: int
    stress_zone: str


class WindowOut(Output):
    start: datetime | None
    end: datetime | None
    data_points: int


class MoodEvidenceOut(Output):
    valence: float
    weight: float
    check_ins: int


class EvidenceOut(Output):
    baseline: BaselineOut
    deviation: DeviationOut | None
    window: WindowOut
    mood: MoodEvidenceOut | None
    reasons: list[str]


class CurrentEmotionOut(Output):
    timestamp: datetime | None
    emotion: Emotion
    confidence: float
    stress_score: int | None
    stress_zone: str | None
    heart_rate: float | None
    hrv_rmssd: float | None
    evidence: EvidenceOut
    # Below 0.5 the reasons say the reading is uncertain (`confidence_note` too).
    uncertain: bool = True
    confidence_note: str = ""

    @classmethod
    def of(cls, c: CurrentEmotion) -> CurrentEmotionOut:
        b = c.baseline
        baseline = BaselineOut(
            status=b.status.value,
            days=b.days,
            days_needed=b.days_missing,
            window_start=b.window_start,
            window_end=b.window_end,
            rmssd_ms=round(math.exp(b.ln_rmssd_mean), 1),
            ln_rmssd_mean=round(b.ln_rmssd_mean, 3),
            ln_rmssd_sd=round(b.ln_rmssd_sd, 3),
            resting_heart_rate=round(b.resting_hr_mean, 1),
            resting_heart_rate_sd=round(b.resting_hr_sd, 1),
            personal=b.is_personal,
        )
        deviation = None
        if c.state is not None:
            s = c.state.stress
            deviation = DeviationOut(
                hrv_z=None if s.deviation.hrv_z is None else round(s.deviation.hrv_z, 2),
                heart_rate_delta_bpm=round(s.deviation.hr_delta_bpm, 1),
                stress_score=s.score,
                stress_zone=s.zone.value,
            )
        mood = (
            None
            if c.valence is None
            else MoodEvidenceOut(
                valence=round(c.valence.value, 2),
                weight=round(c.valence.weight, 2),
                check_ins=c.valence.check_ins,
            )
        )
        return cls(
            timestamp=iso(c.timestamp),
            emotion=c.emotion,
            confidence=c.confidence,
            uncertain=is_uncertain(c.confidence),
            confidence_note=confidence_sentence(c.confidence),
            stress_score=c.state.stress.score if c.state else None,
            stress_zone=c.state.stress.zone.value if c.state else None,
            heart_rate=c.heart_rate,
            hrv_rmssd=c.hrv_rmssd,
            evidence=EvidenceOut(
                baseline=baseline,
                deviation=deviation,
                window=WindowOut(
                    start=iso(c.window_start), end=iso(c.window_end), data_points=c.data_points
                ),
                mood=mood,
                reasons=list(c.reasons),
            ),
        )


class ComponentsOut(Output):
    hrv_balance: float | None
    resting_hr: float | None
    stress_load: float | None
    data_coverage: float | None


class ExplanationBaselineOut(Output):
    status: BaselineStatus
    days: int


class ExplanationOut(Output):
    """Enough to recompute the score: round(50 + coverage_factor x (sum(weights[k] x
    components[k]) / sum(weights) - 50)), over the components named in `weights`."""

    weights: dict[str, float]
    coverage_factor: float | None  # null: a day scored before the factor was kept
    baseline: ExplanationBaselineOut
    sentences: list[str]


class WellnessDayOut(Output):
    date: date
    wellness_score: int
    hrv_avg: float | None
    heart_rate_avg: float
    dominant_emotion: Emotion
    emotion_confidence: float
    data_points: int
    components: ComponentsOut
    explanation: ExplanationOut

    @classmethod
    def of(cls, d: DailyWellness) -> WellnessDayOut:
        c = d.components
        return cls(
            date=d.day,
            wellness_score=d.wellness_score,
            hrv_avg=d.hrv_avg,
            heart_rate_avg=d.heart_rate_avg,
            dominant_emotion=d.dominant_emotion,
            emotion_confidence=d.emotion_confidence,
            data_points=d.data_points,
            components=ComponentsOut(
                hrv_balance=c.get("hrv_balance"),
                resting_hr=c.get("resting_hr"),
                stress_load=c.get("stress_load"),
                data_coverage=c.get("data_coverage"),
            ),
            explanation=ExplanationOut(
                weights=d.weights,
                coverage_factor=d.coverage_factor,
                baseline=ExplanationBaselineOut(
                    status=status_of(d.baseline_days), days=d.baseline_days
                ),
                sentences=list(explain_day(d)),
            ),
        )
