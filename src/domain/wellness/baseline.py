"""The person's own normal: a rolling baseline of ln RMSSD and resting heart rate.

Like WHOOP's recovery and Oura's readiness, readings are judged against the
person rather than a population. Until five days of data exist the baseline is
"learning": population reference values stand in and confidence stays low.

Two spreads, one for each scale a reading is judged at: a day's average is compared
with the spread of day averages (`ln_rmssd_sd`, day to day); a minute's reading with the
spread of minutes at rest around the person's mean (`ln_rmssd_minute_sd`: the within-day
variance of resting minutes, pooled over the days, plus the day-to-day variance). Minutes
of physical activity are in neither.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

MIN_DAYS = 5  # Oura's daytime stress needs days of data before it speaks; so do we
FULL_DAYS = 14  # from here the baseline is as good as it gets
WINDOW_DAYS = 30  # older days no longer describe the person
MIN_POINTS_PER_DAY = 10  # a day with fewer readings does not count towards the baseline

# Population stand-ins (adults at rest; short-term RMSSD ~ 37 ms, resting HR ~ 65 bpm).
POPULATION_LN_RMSSD = (math.log(37.0), 0.45)
POPULATION_RESTING_HR = (65.0, 7.0)
# Floors keep a few very regular days from making every small change look dramatic.
MIN_LN_RMSSD_SD = 0.15
MIN_RESTING_HR_SD = 2.5


class BaselineStatus(StrEnum):
    LEARNING = "learning"  # fewer than MIN_DAYS: population values stand in
    PROVISIONAL = "provisional"  # MIN_DAYS to FULL_DAYS
    ESTABLISHED = "established"


def status_of(days: int) -> BaselineStatus:
    if days < MIN_DAYS:
        return BaselineStatus.LEARNING
    return BaselineStatus.PROVISIONAL if days < FULL_DAYS else BaselineStatus.ESTABLISHED


@dataclass(frozen=True, slots=True)
class DailyPhysiology:
    """One day's summary, the unit a baseline is built from."""

    day: date
    ln_rmssd: float | None
    resting_hr: float | None
    data_points: int
    ln_rmssd_minute_var: float | None = None  # within the day, minutes at rest


@dataclass(frozen=True, slots=True)
class Baseline:
    ln_rmssd_mean: float
    ln_rmssd_sd: float
    resting_hr_mean: float
    resting_hr_sd: float
    days: int  # days of the person's own data behind it
    window_start: date | None
    window_end: date | None
    ln_rmssd_minute_sd: float = POPULATION_LN_RMSSD[1]

    @property
    def status(self) -> BaselineStatus:
        return status_of(self.days)

    @property
    def is_personal(self) -> bool:
        return self.days >= MIN_DAYS

    @property
    def days_missing(self) -> int:
        return max(0, MIN_DAYS - self.days)

    @property
    def reliability(self) -> float:
        """0.15 with no days of own data, 0.6 at five days, 1.0 from fourteen."""
        if self.days < MIN_DAYS:
            return 0.15 + 0.15 * self.days / MIN_DAYS
        if self.days >= FULL_DAYS:
            return 1.0
        return 0.6 + 0.4 * (self.days - MIN_DAYS) / (FULL_DAYS - MIN_DAYS)

    def explain(self) -> str:
        if self.status is BaselineStatus.LEARNING:
            return (
                f"Your personal baseline needs {MIN_DAYS} days of data; it has {self.days}. "
                "Until then readings are compared with population averages."
            )
        return (
            f"Compared with your own {self.days}-day baseline "
            f"(RMSSD about {math.exp(self.ln_rmssd_mean):.0f} ms, "
            f"resting heart rate about {self.resting_hr_mean:.0f} bpm)."
        )


POPULATION_BASELINE = Baseline(
    ln_rmssd_mean=POPULATION_LN_RMSSD[0],
    ln_rmssd_sd=POPULATION_LN_RMSSD[1],
    resting_hr_mean=POPULATION_RESTING_HR[0],
    resting_hr_sd=POPULATION_RESTING_HR[1],
    days=0,
    window_start=None,
    window_end=None,
)


def _mean_sd(values: list[float], floor: float) -> tuple[float, float]:
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else floor
    return mean, max(sd, floor)


def build_baseline(days: Sequence[DailyPhysiology], today: date) -> Baseline:
    """Baseline from the WINDOW_DAYS before `today` (today itself is what gets judged)."""
    start = today - timedelta(days=WINDOW_DAYS)
    usable = [d for d in days if start <= d.day < today and d.data_points >= MIN_POINTS_PER_DAY]
    hrv = [d.ln_rmssd for d in usable if d.ln_rmssd is not None]
    rhr = [d.resting_hr for d in usable if d.resting_hr is not None]
    own_days = len({d.day for d in usable if d.ln_rmssd is not None or d.resting_hr is not None})
    if own_days < MIN_DAYS:
        # Too little to trust: population values, but the count still tells the story.
        return Baseline(
            *POPULATION_LN_RMSSD,
            *POPULATION_RESTING_HR,
            days=own_days,
            window_start=min((d.day for d in usable), default=None),
            window_end=max((d.day for d in usable), default=None),
        )
    ln_mean, ln_sd = _mean_sd(hrv, MIN_LN_RMSSD_SD) if hrv else POPULATION_LN_RMSSD
    hr_mean, hr_sd = _mean_sd(rhr, MIN_RESTING_HR_SD) if rhr else POPULATION_RESTING_HR
    return Baseline(
        ln_mean,
        ln_sd,
        hr_mean,
        hr_sd,
        days=own_days,
        window_start=min(d.day for d in usable),
        window_end=max(d.day for d in usable),
        ln_rmssd_minute_sd=_minute_sd(usable, ln_sd),
    )


def _minute_sd(days: Sequence[DailyPhysiology], day_sd: float) -> float:
    """Spread of resting minutes around the baseline mean: pooled within-day variance plus
    the variance of the day means. Days stored before minute spreads were kept have none:
    then the day-to-day spread, at least the population's, stands in."""
    within = [
        d.ln_rmssd_minute_var
        for d in days
        if d.ln_rmssd_minute_var is not None and d.ln_rmssd is not None
    ]
    if not within:
        return max(day_sd, POPULATION_LN_RMSSD[1])
    means = [d.ln_rmssd for d in days if d.ln_rmssd is not None]
    between = statistics.pvariance(means) if len(means) > 1 else 0.0
    return max(math.sqrt(statistics.fmean(within) + between), MIN_LN_RMSSD_SD)
