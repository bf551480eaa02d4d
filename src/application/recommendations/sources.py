"""Where recommendations read the person's state from: narrow ports, and their defaults.

The current emotion comes from the wellness area's emotion series when it is
wired in; recent nutrition from the food area's history. Without them the
state is `unknown` and there is no nutrition, and the rules still apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from application.ports.food import AnalysisRepository
from application.ports.wellness import EmotionSeries
from domain.food.history import HistoryFilters, HistoryQuery
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
            result = await self._analyses.history(HistoryQuery(
                user_id=user_id, page=page, per_page=self.PAGE,
                filters=HistoryFilters(date_from=since.date())))
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
