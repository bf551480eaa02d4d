"""Small factories for wellness tests (real domain objects, no fakes)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from domain.wellness.baseline import DailyPhysiology
from domain.wellness.emotion import Emotion
from domain.wellness.samples import SampleInput, Source
from domain.wellness.series import EmotionPoint

NOW = datetime(2026, 11, 10, 14, 30, tzinfo=UTC)
USER = UUID("00000000-0000-4000-8000-000000000001")


def sample_input(**overrides: object) -> SampleInput:
    fields: dict[str, object] = {
        "timestamp": NOW - timedelta(minutes=5),
        "heart_rate": 64.0,
        "source": "polar",
        "hrv_sdnn": 55.0,
        "hrv_rmssd": 42.0,
        "pnn50": 18.0,
        "rr_intervals_ms": (),
    }
    fields.update(overrides)
    return SampleInput(**fields)  # type: ignore[arg-type]


def steady_days(
    n: int,
    today: date,
    *,
    rmssd: float = 45.0,
    resting_hr: float = 58.0,
    wobble: float = 0.08,
    minute_sd: float = 0.3,
) -> list[DailyPhysiology]:
    """n days before `today` with a small day-to-day wobble, like a real person, and a
    spread of resting minutes within each day (`minute_sd` of ln RMSSD)."""
    days = []
    for i in range(1, n + 1):
        sign = 1 if i % 2 else -1
        days.append(
            DailyPhysiology(
                day=today - timedelta(days=i),
                ln_rmssd=math.log(rmssd) + sign * wobble,
                resting_hr=resting_hr + sign * 1.5,
                data_points=600,
                ln_rmssd_minute_var=minute_sd**2,
            )
        )
    return days


def point(
    ts: datetime,
    *,
    heart_rate: float = 65.0,
    rmssd: float | None = 40.0,
    stress: int = 30,
    emotion: Emotion = Emotion.RELAXED,
    confidence: float = 0.7,
    user: UUID = USER,
    source: Source = Source.POLAR,
) -> EmotionPoint:
    return EmotionPoint(
        user_id=user,
        timestamp=ts,
        source=source,
        heart_rate=heart_rate,
        hrv_rmssd=rmssd,
        hrv_sdnn=None,
        pnn50=None,
        stress_score=stress,
        emotion=emotion,
        confidence=confidence,
    )


def other_user() -> UUID:
    return uuid4()
