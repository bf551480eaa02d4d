"""Where recommendations read the person's state from: narrow ports, and their defaults.

The current emotion comes from the wellness area's emotion series when it is
wired in; recent nutrition from the food area's history. Without them the
state is `unknown` and there is no nutrition, and the rules still apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from application.ports.food import AnalysisRepository
from application.ports.wellness import EmotionSeries
from application.wellness.queries import GetCurrentEmotion
from domain.food.history import HistoryFilters, HistoryQuery
from domain.recommendations.context import EmotionalState, RecentNutrition

CURRENT_FOR = timedelta(hours=3)


@dataclass(frozen=True, slots=True)
class EmotionEstimate:
    state: EmotionalState
    confidence: float


UNKNOWN = EmotionEstimate(EmotionalState.UNKNOWN, 0.0)


class CurrentEmotion(Protocol):
    async def __call__(self, user_id: UUID, now: datetime) -> EmotionEstimate: ...


class RecentNutritionSource(Protocol):
    async def __call__(self, user_id: UUID, now: datetime, days: int) -> RecentNutrition | None:
        """Daily averages over the last `days` days with logged meals; None if none."""
        ...


class UnknownEmotion:
    async def __call__(self, user_id: UUID, now: datetime) -> EmotionEstimate:
        return UNKNOWN


class NoNutrition:
    async def __call__(self, user_id: UUID, now: datetime, days: int) -> RecentNutrition | None:
        return None


def _state(value: str) -> EmotionalState:
    try:
        return EmotionalState(value)
    except ValueError:
        return EmotionalState.UNKNOWN


class LatestEmotion:
    """The newest point of the emotion series, if it is recent enough to be "current",
    with the confidence it was stored with."""

    def __init__(self, series: EmotionSeries, current_for: timedelta = CURRENT_FOR) -> None:
        self._series = series
        self._current_for = current_for

    async def __call__(self, user_id: UUID, now: datetime) -> EmotionEstimate:
        point = await self._series.latest(user_id)
        if point is None or now - point.timestamp > self._current_for:
            return UNKNOWN
        return EmotionEstimate(_state(point.emotion.value), point.confidence)


class CurrentEmotionFromWellness:
    """Exactly what `GET /emotions/current` says (state and confidence), if its latest
    reading is recent enough to count as "current" for a suggestion."""

    def __init__(self, current: GetCurrentEmotion, current_for: timedelta = CURRENT_FOR) -> None:
        self._current = current
        self._current_for = current_for

    async def __call__(self, user_id: UUID, now: datetime) -> EmotionEstimate:
        found = await self._current(user_id)
        if found.timestamp is None or now - found.timestamp > self._current_for:
            return UNKNOWN
        return EmotionEstimate(_state(found.emotion.value), found.confidence)


class RecentNutritionFromHistory:
    """Daily averages of the food history (completed analyses and manual entries)."""

    PAGE = 100
    MAX_PAGES = 10

    def __init__(self, analyses: AnalysisRepository) -> None:
        self._analyses = analyses

    async def __call__(self, user_id: UUID, now: datetime, days: int) -> RecentNutrition | None:
        since = now - timedelta(days=days)
        totals: dict[str, float] = {}
        seen_days: set[object] = set()
        for page in range(1, self.MAX_PAGES + 1):
            result = await self._analyses.history(
                HistoryQuery(
                    user_id=user_id,
                    page=page,
                    per_page=self.PAGE,
                    filters=HistoryFilters(date_from=since.date()),
                )
            )
            for analysis in result.items:
                eaten = analysis.eaten_at or analysis.created_at
                if analysis.nutrition is None or eaten < since:
                    continue
                seen_days.add(eaten.date())
                for name in NUTRIENTS:
                    value = getattr(analysis.nutrition, name)
                    if value is not None:
                        totals[name] = totals.get(name, 0.0) + value
            if page * self.PAGE >= result.total:
                break
        if not seen_days:
            return None
        count = len(seen_days)
        return RecentNutrition(count, {k: v / count for k, v in totals.items()})


NUTRIENTS = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "sugar_g")
