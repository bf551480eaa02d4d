"""The emotion time series: one point per accepted sample, and the aggregates it folds into.

Raw points older than 30 days are folded into hourly aggregates (min/mean/max
heart rate, mean RMSSD, dominant emotion); hourly aggregates fold into days the
same way, so `GET /emotions?resolution=hour|day` and the downsampling job share
one policy. Aggregates keep sums and counts, so folding is exact and repeatable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID

from domain.wellness.emotion import Emotion
from domain.wellness.samples import Source

DOWNSAMPLE_AFTER = timedelta(days=30)
DELETE_RAW_AFTER = timedelta(days=90)


class Resolution(StrEnum):
    RAW = "raw"
    HOUR = "hour"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class EmotionPoint:
    user_id: UUID
    timestamp: datetime
    source: Source
    heart_rate: float
    hrv_rmssd: float | None
    hrv_sdnn: float | None
    pnn50: float | None
    stress_score: int
    emotion: Emotion
    confidence: float
    artefact_share: float | None = None  # beats dropped or corrected; None: no beats sent
    steps: float | None = None
    activity: str | None = None
    interval_s: float | None = None

    @property
    def at_rest(self) -> bool:
        """Not a minute of physical activity: counts towards stress and baselines."""
        return self.emotion is not Emotion.ACTIVE


@dataclass(frozen=True, slots=True)
class PointColumns:
    """One user's new emotion points as columns, one entry per point.

    What ingestion hands the series: a batch of 1,000 samples needs no object per
    sample. Sources and emotions are the enum values.
    """

    user_id: UUID
    timestamps: list[datetime]
    sources: list[str]
    heart_rate: list[float]
    hrv_rmssd: list[float | None]
    hrv_sdnn: list[float | None]
    pnn50: list[float | None]
    stress_score: list[int]
    emotion: list[str]
    confidence: list[float]
    artefact_share: list[float | None] | None = None  # None: no sample carried beats
    steps: list[float | None] | None = None  # None: no sample said
    activity: list[str | None] | None = None
    interval_s: list[float | None] | None = None

    def __len__(self) -> int:
        return len(self.timestamps)

    def column(self, name: str) -> list:
        """An optional column, all None where no sample carried it."""
        values = getattr(self, name)
        return [None] * len(self.timestamps) if values is None else values

    def points(self) -> list[EmotionPoint]:
        """The same batch as `EmotionPoint`s (for stores that keep objects)."""
        return [
            EmotionPoint(
                user_id=self.user_id,
                timestamp=ts,
                source=Source(src),
                heart_rate=hr,
                hrv_rmssd=rmssd,
                hrv_sdnn=sdnn,
                pnn50=pnn50,
                stress_score=stress,
                emotion=Emotion(emotion),
                confidence=conf,
                artefact_share=artefacts,
                steps=steps,
                activity=activity,
                interval_s=interval,
            )
            for (
                ts,
                src,
                hr,
                rmssd,
                sdnn,
                pnn50,
                stress,
                emotion,
                conf,
                artefacts,
                steps,
                activity,
                interval,
            ) in zip(
                self.timestamps,
                self.sources,
                self.heart_rate,
                self.hrv_rmssd,
                self.hrv_sdnn,
                self.pnn50,
                self.stress_score,
                self.emotion,
                self.confidence,
                self.column("artefact_share"),
                self.column("steps"),
                self.column("activity"),
                self.column("interval_s"),
                strict=True,
            )
        ]


@dataclass(frozen=True, slots=True)
class StoredPoints:
    """What storing a batch did: how many points were new, and the UTC days they fell on."""

    count: int
    days: frozenset[date]

    @classmethod
    def of(cls, points: Iterable[EmotionPoint]) -> StoredPoints:
        new = list(points)
        return cls(len(new), frozenset(p.timestamp.astimezone(UTC).date() for p in new))


class EmotionReading(NamedTuple):
    """A point or a bucket of the series as the API shows it. A named tuple, not a frozen
    dataclass: a page of hourly readings makes hundreds per request, and a frozen
    dataclass sets each field through `object.__setattr__`."""

    timestamp: datetime
    emotion: Emotion
    confidence: float
    stress_score: int
    heart_rate: float
    hrv_rmssd: float | None


# The labels a bucket's verdict chooses among, in the order that breaks exact ties
# (alphabetical); `unknown` only wins when nothing else was read.
VERDICT_LABELS: tuple[Emotion, ...] = tuple(
    sorted((e for e in Emotion if e is not Emotion.UNKNOWN), key=lambda e: e.value)
)


def bucket_verdict(
    count: int, counts: Sequence[int], confidences: Sequence[float], unknown_confidence: float
) -> tuple[Emotion, float]:
    """The dominant emotion of a bucket and its confidence, from its sums.

    `counts` and `confidences` (sums of confidence) follow `VERDICT_LABELS`. Most
    readings wins; equal counts go to the label read with more confidence, then
    alphabetically. The confidence is the dominant label's mean confidence scaled by
    the share of the bucket it held.
    """
    if not count:
        return Emotion.UNKNOWN, 0.0
    best = -1
    best_n, best_c = 0, 0.0
    for i, n in enumerate(counts):
        if n and (n > best_n or (n == best_n and confidences[i] > best_c)):
            best, best_n, best_c = i, n, confidences[i]
    if best < 0:
        return Emotion.UNKNOWN, round(unknown_confidence / count, 2)
    return VERDICT_LABELS[best], round(best_c / count, 2)


def bucket_reading(
    start: datetime,
    count: int,
    hr_sum: float,
    rmssd_sum: float,
    rmssd_count: int,
    stress_sum: float,
    counts: Sequence[int],
    confidences: Sequence[float],
    unknown_confidence: float,
    rest_count: int | None = None,
) -> EmotionReading:
    """A bucket as the API shows it, straight from the sums a store keeps. Stress and
    HRV are means over the minutes at rest (`rest_count`; all of them when not given)."""
    emotion, confidence = bucket_verdict(count, counts, confidences, unknown_confidence)
    rest = count if rest_count is None else rest_count
    return EmotionReading(
        timestamp=start,
        emotion=emotion,
        confidence=confidence,
        stress_score=round(stress_sum / rest if rest else 0.0),
        heart_rate=round(hr_sum / count if count else 0.0, 1),
        hrv_rmssd=round(rmssd_sum / rmssd_count, 1) if rmssd_count else None,
    )


@dataclass(slots=True)
class EmotionAggregate:
    """Sums over a bucket; means and the dominant emotion are derived, never stored twice.

    `count` and the heart-rate sums cover every point; the `rest_*`, RMSSD and stress sums
    only points at rest (not `active`): movement is left out of stress and baselines.
    `ln_rmssd_sq_sum` gives the spread of resting minutes (`ln_rmssd_var`).
    """

    user_id: UUID
    start: datetime
    resolution: Resolution
    count: int = 0
    hr_min: float = float("inf")
    hr_max: float = float("-inf")
    hr_sum: float = 0.0
    rmssd_sum: float = 0.0
    ln_rmssd_sum: float = 0.0
    rmssd_count: int = 0
    stress_sum: float = 0.0
    rest_count: int = 0
    rest_hr_sum: float = 0.0
    ln_rmssd_sq_sum: float = 0.0
    sealed: bool = False  # recomputed from raw points by the downsampling job
    emotion_counts: dict[str, int] = field(default_factory=dict)
    emotion_confidence: dict[str, float] = field(default_factory=dict)

    @property
    def hr_mean(self) -> float:
        return self.hr_sum / self.count if self.count else 0.0

    @property
    def rmssd_mean(self) -> float | None:
        return self.rmssd_sum / self.rmssd_count if self.rmssd_count else None

    @property
    def ln_rmssd_mean(self) -> float | None:
        return self.ln_rmssd_sum / self.rmssd_count if self.rmssd_count else None

    @property
    def ln_rmssd_var(self) -> float | None:
        """Variance of ln RMSSD over the bucket's resting minutes."""
        if self.rmssd_count < 2:
            return None
        mean = self.ln_rmssd_sum / self.rmssd_count
        return max(0.0, self.ln_rmssd_sq_sum / self.rmssd_count - mean * mean)

    @property
    def stress_mean(self) -> float | None:
        """Mean stress of the minutes at rest (None: the bucket was all activity)."""
        return self.stress_sum / self.rest_count if self.rest_count else None

    @property
    def rest_hr_mean(self) -> float | None:
        return self.rest_hr_sum / self.rest_count if self.rest_count else None

    @property
    def dominant_emotion(self) -> Emotion:
        return self.verdict()[0]

    @property
    def confidence(self) -> float:
        return self.verdict()[1]

    def verdict(self) -> tuple[Emotion, float]:
        """The dominant emotion and its confidence (`bucket_verdict`)."""
        counts, confidence = self.emotion_counts, self.emotion_confidence
        return bucket_verdict(
            self.count,
            [counts.get(e.value, 0) for e in VERDICT_LABELS],
            [confidence.get(e.value, 0.0) for e in VERDICT_LABELS],
            confidence.get(Emotion.UNKNOWN.value, 0.0),
        )

    def reading(self) -> EmotionReading:
        counts, confidence = self.emotion_counts, self.emotion_confidence
        return bucket_reading(
            self.start,
            self.count,
            self.hr_sum,
            self.rmssd_sum,
            self.rmssd_count,
            self.stress_sum,
            [counts.get(e.value, 0) for e in VERDICT_LABELS],
            [confidence.get(e.value, 0.0) for e in VERDICT_LABELS],
            confidence.get(Emotion.UNKNOWN.value, 0.0),
            self.rest_count,
        )

    def add_point(self, p: EmotionPoint) -> None:
        self.count += 1
        self.hr_min = min(self.hr_min, p.heart_rate)
        self.hr_max = max(self.hr_max, p.heart_rate)
        self.hr_sum += p.heart_rate
        if p.at_rest:
            self.rest_count += 1
            self.rest_hr_sum += p.heart_rate
            if p.hrv_rmssd is not None:
                ln = math.log(p.hrv_rmssd)
                self.rmssd_sum += p.hrv_rmssd
                self.ln_rmssd_sum += ln
                self.ln_rmssd_sq_sum += ln * ln
                self.rmssd_count += 1
            self.stress_sum += p.stress_score
        label = p.emotion.value
        self.emotion_counts[label] = self.emotion_counts.get(label, 0) + 1
        self.emotion_confidence[label] = self.emotion_confidence.get(label, 0.0) + p.confidence

    def add_aggregate(self, a: EmotionAggregate) -> None:
        self.count += a.count
        self.hr_min = min(self.hr_min, a.hr_min)
        self.hr_max = max(self.hr_max, a.hr_max)
        self.hr_sum += a.hr_sum
        self.rmssd_sum += a.rmssd_sum
        self.ln_rmssd_sum += a.ln_rmssd_sum
        self.rmssd_count += a.rmssd_count
        self.stress_sum += a.stress_sum
        self.rest_count += a.rest_count
        self.rest_hr_sum += a.rest_hr_sum
        self.ln_rmssd_sq_sum += a.ln_rmssd_sq_sum
        for k, v in a.emotion_counts.items():
            self.emotion_counts[k] = self.emotion_counts.get(k, 0) + v
        for k, c in a.emotion_confidence.items():
            self.emotion_confidence[k] = self.emotion_confidence.get(k, 0.0) + c


def bucket_start(ts: datetime, resolution: Resolution) -> datetime:
    ts = ts.astimezone(UTC)
    if resolution is Resolution.HOUR:
        return ts.replace(minute=0, second=0, microsecond=0)
    if resolution is Resolution.DAY:
        return ts.replace(hour=0, minute=0, second=0, microsecond=0)
    return ts


def _bucket(
    buckets: dict[tuple[UUID, datetime], EmotionAggregate],
    user_id: UUID,
    start: datetime,
    resolution: Resolution,
) -> EmotionAggregate:
    key = (user_id, start)
    agg = buckets.get(key)
    if agg is None:
        agg = buckets[key] = EmotionAggregate(user_id=user_id, start=start, resolution=resolution)
    return agg


def aggregate_points(
    points: Iterable[EmotionPoint], resolution: Resolution
) -> list[EmotionAggregate]:
    """Fold raw points into hour or day buckets, ordered by user and start."""
    if resolution is Resolution.RAW:
        raise ValueError("raw points are not aggregated")
    buckets: dict[tuple[UUID, datetime], EmotionAggregate] = {}
    for p in points:
        _bucket(buckets, p.user_id, bucket_start(p.timestamp, resolution), resolution).add_point(p)
    return [buckets[k] for k in sorted(buckets, key=lambda k: (str(k[0]), k[1]))]


def merge_aggregates(
    aggregates: Iterable[EmotionAggregate], resolution: Resolution
) -> list[EmotionAggregate]:
    """Fold finer aggregates (hourly, or partial buckets) into `resolution` buckets."""
    buckets: dict[tuple[UUID, datetime], EmotionAggregate] = {}
    for a in aggregates:
        start = bucket_start(a.start, resolution)
        _bucket(buckets, a.user_id, start, resolution).add_aggregate(a)
    return [buckets[k] for k in sorted(buckets, key=lambda k: (str(k[0]), k[1]))]


def downsample_cutoff(now: datetime) -> datetime:
    """Raw points before this instant are folded into hourly aggregates.

    Rounded down to a whole hour, so an hour is never half raw and half folded.
    """
    return bucket_start(now - DOWNSAMPLE_AFTER, Resolution.HOUR)


def delete_cutoff(now: datetime) -> datetime:
    """Raw points before this instant are deleted (their hours sealed first).

    Rounded down to a whole hour too: a late point can still arrive in the hour after
    it (it is younger than 90 days) and unseal that hour, whose raw points must then all
    be there to seal it again.
    """
    return bucket_start(now - DELETE_RAW_AFTER, Resolution.HOUR)


def sealed_hour(current: EmotionAggregate, points: Sequence[EmotionPoint]) -> EmotionAggregate:
    """An hour as the retention job seals it, from its aggregate as kept and its raw points.

    Recomputed from the raw points when they are exactly the points the aggregate counted
    (sums folded batch by batch round differently); otherwise the aggregate as kept: its
    raw points are gone (deleted before it was sealed), or some are still on their way
    into it (a store whose ingestion is not one transaction).
    """
    if points and len(points) == current.count:
        (hour,) = aggregate_points(points, Resolution.HOUR)
    else:
        hour = replace(
            current,
            emotion_counts=dict(current.emotion_counts),
            emotion_confidence=dict(current.emotion_confidence),
        )
    hour.sealed = True
    return hour
