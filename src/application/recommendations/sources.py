"""Where recommendations read the person's state from: narrow ports, and their defaults.

The current emotion comes from the wellness area's emotion series when it is
wired in; recent nutrition from the food area's history. Without them the
state is `unknown` and there is no nutrition, and the rules still apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from application.ports.wellness import EmotionSeries
from domain.recommendations.context import EmotionalState, RecentNutrition

CURRENT_FOR = timedelta(hours=3)


class CurrentEmotion(Protocol):
    async def __call__(self, user_id: UUID, now: datetime) -> EmotionalState: ...


class RecentNutritionSource(Protocol):
    async def __call__(self, user_id: UUID, now: datetime, days: int) -> RecentNutrition | None:
        """Daily averages over the last `days` days with logged meals; None if none."""
        ...


class UnknownEmotion:
    async def __call__(self, user_id: UUID, now: datetime) -> EmotionalState:
        return EmotionalState.UNKNOWN


class NoNutrition:
    async def __call__(self, user_id: UUID, now: datetime, days: int) -> RecentNutrition | None:
        return None


class LatestEmotion:
    """The newest point of the emotion series, if it is recent enough to be "current"."""

    def __init__(self, series: EmotionSeries, current_for: timedelta = CURRENT_FOR) -> None:
        self._series = series
        self._current_for = current_for

    async def __call__(self, user_id: UUID, now: datetime) -> EmotionalState:
        point = await self._series.latest(user_id)
        if point is None or now - point.timestamp > self._current_for:
            return EmotionalState.UNKNOWN
        try:
            return EmotionalState(point.emotion.value)
        except ValueError:
            return EmotionalState.UNKNOWN
