"""Reads: the emotion series at a resolution, the current state with its evidence, daily scores."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Generic, TypeVar
from uuid import UUID

from application.ports.clock import Clock
from application.ports.reads import PRIMARY_READS, ReadRouting
from application.ports.wellness import (
    EmotionHourReadings,
    EmotionSeries,
    MoodCheckIns,
    WellnessScores,
)
from application.wellness.daily import baseline_for
from domain.calendar import out_of_range
from domain.errors import FieldError, NotFound, ValidationFailed
from domain.wellness.activity import declared_active
from domain.wellness.baseline import Baseline
from domain.wellness.emotion import (
    Emotion,
    EmotionState,
    classify,
    explain,
    signal_quality,
)
from domain.wellness.hrv import MAX_ARTEFACT_SHARE, FeatureOrigin, HrvFeatures
from domain.wellness.mood import VALENCE_HORIZON, ReportedValence, reported_valence
from domain.wellness.score import DailyWellness
from domain.wellness.series import (
    EmotionPoint,
    EmotionReading,
    Resolution,
    merge_aggregates,
)

DEFAULT_SPAN = {
    Resolution.RAW: timedelta(days=1),
    Resolution.HOUR: timedelta(days=7),
    Resolution.DAY: timedelta(days=30),
}
MAX_SPAN = {
    Resolution.RAW: timedelta(days=31),
    Resolution.HOUR: timedelta(days=92),
    Resolution.DAY: timedelta(days=366),
}
CURRENT_WINDOW = timedelta(minutes=15)  # readings averaged into "now"
CURRENT_MAX_AGE = timedelta(hours=24)  # older than this is not "current"
MAX_SCORE_SPAN_DAYS = 366


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageOf(Generic[T]):
    items: list[T]
    total: int


def resolve_range(
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    default: timedelta,
    maximum: timedelta,
) -> tuple[datetime, datetime]:
    if errors := out_of_range(**{"from": start, "to": end}):
        raise ValidationFailed(errors)
    end = end or now
    start = start or end - default
    errors = []
    for name, value in (("from", start), ("to", end)):
        if value.tzinfo is None:
            errors.append(FieldError(name, "must carry a UTC offset, e.g. 'Z'"))
    if errors:
        raise ValidationFailed(errors)
    if start >= end:
        raise ValidationFailed.single("from", "must be before 'to'")
    if end - start > maximum:
        raise ValidationFailed.single("from", f"the range may span at most {maximum.days} days")
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(slots=True)
class GetEmotions:
    series: EmotionSeries
    clock: Clock
    readings: EmotionHourReadings
    reads: ReadRouting = PRIMARY_READS

    async def __call__(
        self,
        user_id: UUID,
        *,
        start: datetime | None,
        end: datetime | None,
        resolution: Resolution,
        page: int,
        per_page: int,
    ) -> PageOf[EmotionReading] | PageOf[EmotionPoint]:
        """Raw points as stored (with what each sample carried), or hour/day readings."""
        return await self.reads.read(
            user_id, partial(self._read, user_id, start, end, resolution, page, per_page)
        )

    async def _read(
        self,
        user_id: UUID,
        start: datetime | None,
        end: datetime | None,
        resolution: Resolution,
        page: int,
        per_page: int,
    ) -> PageOf[EmotionReading] | PageOf[EmotionPoint]:
        start, end = resolve_range(
            start, end, self.clock.now(), DEFAULT_SPAN[resolution], MAX_SPAN[resolution]
        )
        offset = (page - 1) * per_page
        if resolution is Resolution.RAW:
            total = await self.series.count_raw(user_id, start, end)
            points = await self.series.raw(user_id, start, end, offset=offset, limit=per_page)
            return PageOf(points, total)
        if resolution is Resolution.HOUR:
            # One indexed range read of the hourly aggregates, page and total together.
            readings, total = await self.readings.hour_readings(
                user_id, start, end, offset=offset, limit=per_page
            )
            return PageOf(readings, total)
        days = merge_aggregates(await self.series.hours(user_id, start, end), resolution)
        return PageOf([d.reading() for d in days[offset : offset + per_page]], len(days))


@dataclass(frozen=True, slots=True)
class CurrentEmotion:
    """The latest state and everything it was judged on."""

    timestamp: datetime | None
    state: EmotionState | None
    baseline: Baseline
    window_start: datetime | None
    window_end: datetime | None
    data_points: int
    heart_rate: float | None
    hrv_rmssd: float | None
    valence: ReportedValence | None
    reasons: tuple[str, ...]

    @property
    def emotion(self) -> Emotion:
        return self.state.emotion if self.state else Emotion.UNKNOWN

    @property
    def confidence(self) -> float:
        return self.state.confidence if self.state else 0.0


def point_origin(p: EmotionPoint) -> FeatureOrigin:
    """Where a stored point's HRV came from (beats leave an artefact share behind)."""
    if p.hrv_rmssd is None:
        return FeatureOrigin.HEART_RATE_ONLY
    if p.artefact_share is not None and p.artefact_share <= MAX_ARTEFACT_SHARE:
        return FeatureOrigin.RR_INTERVALS
    return FeatureOrigin.DEVICE_SUMMARY


def window_features(points: list[EmotionPoint]) -> HrvFeatures:
    """Mean heart rate and the geometric mean RMSSD (the mean of ln RMSSD) of a window."""
    rmssd = [p.hrv_rmssd for p in points if p.hrv_rmssd is not None]
    return HrvFeatures(
        heart_rate=statistics.fmean(p.heart_rate for p in points),
        rmssd=math.exp(statistics.fmean(math.log(r) for r in rmssd)) if rmssd else None,
        sdnn=None,
        pnn50=None,
        lf_hf=None,
        origin=FeatureOrigin.DEVICE_SUMMARY if rmssd else FeatureOrigin.HEART_RATE_ONLY,
    )


def window_quality(points: list[EmotionPoint]) -> float:
    """The mean signal quality of a window's points, judged as each was at ingestion."""
    return statistics.fmean(signal_quality(point_origin(p), p.artefact_share) for p in points)


@dataclass(slots=True)
class GetCurrentEmotion:
    series: EmotionSeries
    scores: WellnessScores
    moods: MoodCheckIns
    clock: Clock
    reads: ReadRouting = PRIMARY_READS

    async def __call__(self, user_id: UUID) -> CurrentEmotion:
        return await self.reads.read(user_id, partial(self._read, user_id))

    async def _read(self, user_id: UUID) -> CurrentEmotion:
        now = self.clock.now()
        today = now.astimezone(UTC).date()
        latest = await self.series.latest(user_id)
        if latest is None or now - latest.timestamp > CURRENT_MAX_AGE:
            baseline = await baseline_for(self.scores, user_id, today)
            return CurrentEmotion(
                timestamp=None,
                state=None,
                baseline=baseline,
                window_start=None,
                window_end=None,
                data_points=0,
                heart_rate=None,
                hrv_rmssd=None,
                valence=None,
                reasons=("No readings in the last 24 hours: nothing to judge.", baseline.explain()),
            )
        end = latest.timestamp
        start = end - CURRENT_WINDOW
        window = await self.series.raw(user_id, start, end + timedelta(microseconds=1))
        baseline = await baseline_for(self.scores, user_id, end.date())
        # What the person says about how they feel now counts, even if it came after the
        # latest reading.
        check_ins = await self.moods.between(user_id, now - VALENCE_HORIZON, now)
        valence = reported_valence(check_ins, now)
        if not latest.at_rest:
            # Moving now: the latest minute speaks, with the confidence it was stored with.
            points = [latest]
            declared = declared_active([latest.activity], [latest.steps], [latest.interval_s])
            state = classify(
                window_features(points),
                baseline,
                valence,
                declared_active=declared is not None and bool(declared[0]),
            )
        else:
            # The minutes at rest of the window, each weighed as it was when stored.
            points = [p for p in window if p.at_rest] or [latest]
            state = classify(
                window_features(points), baseline, valence, quality=window_quality(points)
            )
        features = window_features(points)
        return CurrentEmotion(
            timestamp=end,
            state=state,
            baseline=baseline,
            window_start=start,
            window_end=end,
            data_points=len(points),
            heart_rate=round(features.heart_rate, 1),
            hrv_rmssd=None if features.rmssd is None else round(features.rmssd, 1),
            valence=valence,
            reasons=explain(state, baseline),
        )


@dataclass(slots=True)
class GetWellnessToday:
    scores: WellnessScores
    clock: Clock
    reads: ReadRouting = PRIMARY_READS

    async def __call__(self, user_id: UUID) -> DailyWellness:
        today = self.clock.now().astimezone(UTC).date()
        found = await self.reads.read(user_id, partial(self.scores.get, user_id, today))
        if found is None:
            raise NotFound("No wellness data for today yet", resource="wellness_score")
        return found


@dataclass(slots=True)
class ListWellnessScores:
    scores: WellnessScores
    clock: Clock
    reads: ReadRouting = PRIMARY_READS

    async def __call__(
        self,
        user_id: UUID,
        *,
        date_from: date | None,
        date_to: date | None,
        page: int,
        per_page: int,
    ) -> PageOf[DailyWellness]:
        if errors := out_of_range(date_from=date_from, date_to=date_to):
            raise ValidationFailed(errors)
        last = date_to or self.clock.now().astimezone(UTC).date()
        first = date_from or last - timedelta(days=29)
        if first > last:
            raise ValidationFailed.single("date_from", "must not be after date_to")
        if (last - first).days >= MAX_SCORE_SPAN_DAYS:
            raise ValidationFailed.single(
                "date_from", f"the range may span at most {MAX_SCORE_SPAN_DAYS} days"
            )
        days = await self.reads.read(user_id, partial(self.scores.between, user_id, first, last))
        offset = (page - 1) * per_page
        return PageOf(days[offset : offset + per_page], len(days))
