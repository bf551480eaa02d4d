"""Daily wellness score 0-100 with the components that explain it.

Components (each 0-100, None when the day has no data for it):
- hrv_balance: the day's mean ln RMSSD against baseline (65 at baseline, +/-20 per SD);
- resting_hr: the day's resting heart rate against baseline (lower is better);
- stress_load: 100 minus the day's mean stress score;
- data_coverage: share of the expected hours that have readings.

The score is the weighted mean of the available physiological components,
pulled towards a neutral 50 when coverage is thin: a few readings cannot
justify a confident verdict in either direction.

It is computed from the day's hourly aggregates, so a late sample only costs
re-reading 24 rows, and a day already downsampled scores the same as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.wellness.baseline import Baseline, DailyPhysiology
from domain.wellness.emotion import Emotion
from domain.wellness.series import EmotionAggregate, Resolution, merge_aggregates

AT_BASELINE = 65.0
POINTS_PER_SD = 20.0
WEIGHTS = {"hrv_balance": 0.40, "resting_hr": 0.25, "stress_load": 0.35}
WAKING_HOURS = 16.0
FULL_COVERAGE_SHARE = 0.5  # half the waking day observed is enough for a full-strength score
MIN_READINGS_FOR_RESTING_HOUR = 3
NEUTRAL = 50.0


@dataclass(frozen=True, slots=True)
class DailyWellness:
    day: date
    wellness_score: int
    hrv_avg: float | None  # mean RMSSD in ms
    ln_rmssd_mean: float | None
    heart_rate_avg: float
    resting_hr: float
    dominant_emotion: Emotion
    emotion_confidence: float
    data_points: int
    components: dict[str, float | None]
    baseline_days: int

    def physiology(self) -> DailyPhysiology:
        return DailyPhysiology(day=self.day, ln_rmssd=self.ln_rmssd_mean,
                               resting_hr=self.resting_hr, data_points=self.data_points)


def _clamp(x: float) -> float:
    return min(100.0, max(0.0, x))


def resting_heart_rate(hours: Sequence[EmotionAggregate]) -> float:
    """The lowest hourly mean heart rate among hours with a few readings.

    An hourly mean smooths away sensor dropouts; the quietest hour of the day
    (usually asleep or sitting still) is what "resting" means for a wearable.
    """
    solid = [h for h in hours if h.count >= MIN_READINGS_FOR_RESTING_HOUR] or list(hours)
    return min(h.hr_mean for h in solid)


def expected_hours(day: date, now: datetime) -> float:
    """Waking hours one could expect data for: fewer while the day is still running."""
    if now.astimezone(UTC).date() != day:
        return WAKING_HOURS
    elapsed = (now - datetime(day.year, day.month, day.day, tzinfo=UTC)).total_seconds() / 3600
    return max(1.0, min(WAKING_HOURS, elapsed))


def daily_wellness(
    day: date, hours: Sequence[EmotionAggregate], baseline: Baseline, hours_expected: float
) -> DailyWellness | None:
    """The day's score from its hourly aggregates, or None when it has no readings."""
    hours = [h for h in hours if h.count]
    if not hours:
        return None
    if any(h.user_id != hours[0].user_id or h.start.astimezone(UTC).date() != day
           for h in hours):
        raise ValueError("daily_wellness takes the hours of one user and one UTC day")
    (total,) = merge_aggregates(hours, Resolution.DAY)
    resting = resting_heart_rate(hours)
    ln_mean = total.ln_rmssd_mean
    coverage = min(1.0, len({h.start for h in hours}) / hours_expected)
    components: dict[str, float | None] = {
        "hrv_balance": None if ln_mean is None else _clamp(
            AT_BASELINE
            + POINTS_PER_SD * (ln_mean - baseline.ln_rmssd_mean) / baseline.ln_rmssd_sd),
        "resting_hr": _clamp(
            AT_BASELINE - POINTS_PER_SD * (resting - baseline.resting_hr_mean)
            / baseline.resting_hr_sd),
        "stress_load": _clamp(100.0 - total.stress_mean),
        "data_coverage": 100.0 * coverage,
    }
    available = [(WEIGHTS[k], v) for k, v in components.items() if k in WEIGHTS and v is not None]
    raw = sum(w * v for w, v in available) / sum(w for w, _ in available)
    strength = min(1.0, coverage / FULL_COVERAGE_SHARE)
    score = round(_clamp(NEUTRAL + strength * (raw - NEUTRAL)))
    rmssd_mean = total.rmssd_mean
    return DailyWellness(
        day=day,
        wellness_score=score,
        hrv_avg=None if rmssd_mean is None else round(rmssd_mean, 1),
        ln_rmssd_mean=ln_mean,
        heart_rate_avg=round(total.hr_mean, 1),
        resting_hr=round(resting, 1),
        dominant_emotion=total.dominant_emotion,
        emotion_confidence=total.confidence,
        data_points=total.count,
        components={k: (None if v is None else round(v, 1)) for k, v in components.items()},
        baseline_days=baseline.days,
    )
