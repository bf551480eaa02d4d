"""Daily wellness score 0-100 with the components that explain it.

Components (each 0-100, None when the day has no data for it):
- hrv_balance: the day's mean ln RMSSD at rest against baseline (65 at baseline, +/-20 per
  day-to-day SD);
- resting_hr: the day's resting heart rate against baseline (lower is better);
- stress_load: 100 minus the day's mean stress score at rest;
- data_coverage: share of the expected hours that have readings (a finished day expects
  16 waking hours; today, the hours since its first reading, at most 16).

    score = round(50 + coverage_factor x (sum(w x component) / sum(w) - 50))

over the physiological components that have a value (weights 0.40, 0.25, 0.35), with
coverage_factor = min(1, hours with readings at rest / 8): a few readings cannot justify
a confident verdict in either direction, however early in the day it is. The score is
computed from the rounded values it shows (components to 0.1, the factor to 0.001), so
anyone can recompute it from `explanation`. Minutes of physical activity are left out of
every component but coverage.

It is computed from the day's hourly aggregates, so a late sample only costs
re-reading 24 rows, and a day already downsampled scores the same as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from domain.wellness.baseline import MIN_DAYS, Baseline, DailyPhysiology
from domain.wellness.emotion import Emotion
from domain.wellness.series import EmotionAggregate, Resolution, merge_aggregates

AT_BASELINE = 65.0
POINTS_PER_SD = 20.0
WEIGHTS = {"hrv_balance": 0.40, "resting_hr": 0.25, "stress_load": 0.35}
WAKING_HOURS = 16.0
FULL_COVERAGE_SHARE = 0.5  # half the waking day observed is enough for a full-strength score
FULL_STRENGTH_HOURS = WAKING_HOURS * FULL_COVERAGE_SHARE
MIN_READINGS_FOR_RESTING_HOUR = 3
NEUTRAL = 50.0
_LABELS = {
    "hrv_balance": "HRV balance",
    "resting_hr": "resting heart rate",
    "stress_load": "stress load",
}


@dataclass(frozen=True, slots=True)
class DailyWellness:
    day: date
    wellness_score: int
    hrv_avg: float | None  # mean RMSSD at rest, in ms
    ln_rmssd_mean: float | None
    heart_rate_avg: float
    resting_hr: float | None
    dominant_emotion: Emotion
    emotion_confidence: float
    data_points: int
    components: dict[str, float | None]
    baseline_days: int
    coverage_factor: float | None = None  # None: stored before it was kept
    hours_observed: int = 0
    hours_expected: float = WAKING_HOURS
    active_points: int = 0
    ln_rmssd_minute_var: float | None = None

    def physiology(self) -> DailyPhysiology:
        return DailyPhysiology(
            day=self.day,
            ln_rmssd=self.ln_rmssd_mean,
            resting_hr=self.resting_hr,
            data_points=self.data_points,
            ln_rmssd_minute_var=self.ln_rmssd_minute_var,
        )

    @property
    def weights(self) -> dict[str, float]:
        """The weights of the components that counted (those with a value)."""
        return {k: w for k, w in WEIGHTS.items() if self.components.get(k) is not None}


def _clamp(x: float) -> float:
    return min(100.0, max(0.0, x))


def resting_heart_rate(hours: Sequence[EmotionAggregate]) -> float | None:
    """The lowest hourly mean heart rate at rest among hours with a few resting readings.

    An hourly mean smooths away sensor dropouts; the quietest hour of the day
    (usually asleep or sitting still) is what "resting" means for a wearable. Minutes of
    activity are not in it; a day of nothing but activity has none.
    """
    rest = [h for h in hours if h.rest_count]
    solid = [h for h in rest if h.rest_count >= MIN_READINGS_FOR_RESTING_HOUR] or rest
    return min((h.rest_hr_mean for h in solid if h.rest_hr_mean is not None), default=None)


def expected_hours(day: date, now: datetime, first_reading: datetime | None = None) -> float:
    """Waking hours one could expect data for. A finished day: 16. Today: the hours awake
    so far, counted from the hour of its first reading (from midnight when not known)."""
    if now.astimezone(UTC).date() != day:
        return WAKING_HOURS
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if first_reading is not None:
        start = max(start, first_reading.astimezone(UTC).replace(minute=0, second=0, microsecond=0))
    elapsed = (now - start).total_seconds() / 3600
    return max(1.0, min(WAKING_HOURS, elapsed))


def score_of(components: dict[str, float | None], coverage_factor: float) -> int:
    """The formula, on the values as shown."""
    used = [(w, float(v)) for k, w in WEIGHTS.items() if (v := components.get(k)) is not None]
    if not used:
        return round(NEUTRAL)
    raw = sum(w * v for w, v in used) / sum(w for w, _ in used)
    return round(_clamp(NEUTRAL + coverage_factor * (raw - NEUTRAL)))


def daily_wellness(
    day: date, hours: Sequence[EmotionAggregate], baseline: Baseline, hours_expected: float
) -> DailyWellness | None:
    """The day's score from its hourly aggregates, or None when it has no readings."""
    hours = [h for h in hours if h.count]
    if not hours:
        return None
    if any(h.user_id != hours[0].user_id or h.start.astimezone(UTC).date() != day for h in hours):
        raise ValueError("daily_wellness takes the hours of one user and one UTC day")
    (total,) = merge_aggregates(hours, Resolution.DAY)
    resting = resting_heart_rate(hours)
    ln_mean = total.ln_rmssd_mean
    observed = len({h.start for h in hours})
    rest_hours = len({h.start for h in hours if h.rest_count})
    coverage = min(1.0, observed / hours_expected)
    stress = total.stress_mean
    components: dict[str, float | None] = {
        "hrv_balance": None
        if ln_mean is None
        else _clamp(
            AT_BASELINE + POINTS_PER_SD * (ln_mean - baseline.ln_rmssd_mean) / baseline.ln_rmssd_sd
        ),
        "resting_hr": None
        if resting is None
        else _clamp(
            AT_BASELINE
            - POINTS_PER_SD * (resting - baseline.resting_hr_mean) / baseline.resting_hr_sd
        ),
        "stress_load": None if stress is None else _clamp(100.0 - stress),
        "data_coverage": 100.0 * coverage,
    }
    shown = {k: (None if v is None else round(v, 1)) for k, v in components.items()}
    factor = round(min(1.0, rest_hours / FULL_STRENGTH_HOURS), 3)
    rmssd_mean = total.rmssd_mean
    return DailyWellness(
        day=day,
        wellness_score=score_of(shown, factor),
        hrv_avg=None if rmssd_mean is None else round(rmssd_mean, 1),
        ln_rmssd_mean=ln_mean,
        heart_rate_avg=round(total.hr_mean, 1),
        resting_hr=None if resting is None else round(resting, 1),
        dominant_emotion=total.dominant_emotion,
        emotion_confidence=total.confidence,
        data_points=total.count,
        components=shown,
        baseline_days=baseline.days,
        coverage_factor=factor,
        hours_observed=observed,
        hours_expected=round(hours_expected, 2),
        active_points=total.count - total.rest_count,
        ln_rmssd_minute_var=total.ln_rmssd_var,
    )


def explain_day(d: DailyWellness) -> tuple[str, ...]:
    """Sentences that let a person recompute and judge the score."""
    weights = d.weights
    factor = d.coverage_factor
    sentences = []
    if weights and factor is not None:
        mean = sum(w * float(d.components[k] or 0.0) for k, w in weights.items()) / sum(
            weights.values()
        )
        parts = ", ".join(
            f"{_LABELS[k]} {d.components[k]:.1f} x {w:.2f}" for k, w in weights.items()
        )
        sentences.append(
            f"Score = 50 + coverage factor x (weighted mean of the components - 50) = 50 + "
            f"{factor:.3f} x ({mean:.1f} - 50) = {d.wellness_score} (weighted mean of "
            f"{parts}, divided by {sum(weights.values()):.2f})."
        )
    elif factor is not None:
        sentences.append("No reading at rest this day: the score stays at a neutral 50.")
    missing = [_LABELS[k] for k in WEIGHTS if k not in weights]
    if missing:
        sentences.append(
            f"Not enough data for {', '.join(missing)}: left out, the other "
            "weights count in proportion."
        )
    sentences.append(
        f"Readings in {d.hours_observed} of {d.hours_expected:g} expected waking hours "
        "(today: the hours since its first reading); the score is pulled towards 50 until "
        f"{FULL_STRENGTH_HOURS:g} hours at rest are observed."
    )
    if d.active_points:
        sentences.append(
            f"{d.active_points} reading(s) during physical activity were left out "
            "of HRV, resting heart rate and stress."
        )
    if d.baseline_days < MIN_DAYS:
        sentences.append(
            f"Personal baseline still learning ({d.baseline_days} of {MIN_DAYS} "
            "days): components compare with population averages."
        )
    else:
        sentences.append(f"Components compare with your own {d.baseline_days}-day baseline.")
    return tuple(sentences)
