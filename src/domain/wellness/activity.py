"""Physical activity: which readings say something about stress, and which only about movement.

Heart rate and HRV respond to movement far more than to mental strain, so Garmin (Firstbeat)
and Oura only score stress at rest. Psi does the same: a minute is *active* when
- the device says so (`activity` walk, run, cycle or workout), or
- its steps say so (at least `ACTIVE_STEPS_PER_MINUTE`, a slow walk's cadence), or
- its heart rate is far above the person's resting rate (`ACTIVE_HR_DELTA` bpm or more:
  mental stress raises the heart rate by a few to ~15 bpm, walking by 35 or more).
An active minute gets the emotion `active` and is left out of stress, baselines and the
wellness score. `rest`, `sleep` and `unknown` (or nothing said) leave the judgement to
steps and heart rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np


class Activity(StrEnum):
    REST = "rest"
    WALK = "walk"
    RUN = "run"
    CYCLE = "cycle"
    WORKOUT = "workout"
    SLEEP = "sleep"
    UNKNOWN = "unknown"


MOVING = frozenset({Activity.WALK, Activity.RUN, Activity.CYCLE, Activity.WORKOUT})
MOVING_VALUES = frozenset(a.value for a in MOVING)
ACTIVITY_VALUES = frozenset(a.value for a in Activity)
ACTIVE_STEPS_PER_MINUTE = 50.0  # Tudor-Locke: ~100/min is brisk walking; 50 is pottering about
ACTIVE_HR_DELTA = 35.0  # bpm above resting
DEFAULT_INTERVAL_S = 60.0  # a sample without `interval_s` stands for a minute


def steps_per_minute(steps: float | None, interval_s: float | None) -> float | None:
    if steps is None:
        return None
    return steps * 60.0 / (interval_s or DEFAULT_INTERVAL_S)


def is_active(
    activity: str | None,
    steps: float | None,
    interval_s: float | None,
    heart_rate: float,
    resting_hr: float,
) -> bool:
    if activity in MOVING_VALUES:
        return True
    cadence = steps_per_minute(steps, interval_s)
    if cadence is not None and cadence >= ACTIVE_STEPS_PER_MINUTE:
        return True
    return heart_rate - resting_hr >= ACTIVE_HR_DELTA


def declared_active(
    activity: Sequence[str | None],
    steps: Sequence[float | None],
    interval_s: Sequence[float | None],
) -> np.ndarray | None:
    """For a batch: the samples whose device or steps say they were minutes of movement
    (None when no sample says anything about activity)."""
    n = len(activity)
    said_activity = any(a is not None for a in activity)
    said_steps = any(s is not None for s in steps)
    if not (said_activity or said_steps):
        return None
    moving = (
        np.array([a in MOVING_VALUES for a in activity], dtype=bool)
        if said_activity
        else np.zeros(n, dtype=bool)
    )
    if said_steps:
        cadence = np.array(
            [np.nan if c is None else c for c in map(steps_per_minute, steps, interval_s)],
            dtype=float,
        )
        with np.errstate(invalid="ignore"):
            moving |= cadence >= ACTIVE_STEPS_PER_MINUTE
    return moving
