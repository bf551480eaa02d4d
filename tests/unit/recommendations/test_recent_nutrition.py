"""Recent nutrition for recommendations, read from the food history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from adapters.memory.food_history import MemoryAnalysisRepository
from application.food.history_view import history_card
from application.recommendations.sources import RecentNutritionFromHistory
from domain.food.analysis import Analysis, FoodItem
from domain.nutrition.nutrients import Nutrients

NOW = datetime(2026, 11, 10, 18, 0, tzinfo=UTC)


async def eat(repo, user, days_ago: float, fiber: float, protein: float) -> None:
    at = NOW - timedelta(days=days_ago)
    entry = Analysis.manual(
        uuid.uuid4(),
        user,
        FoodItem("lentil soup", 1.0),
        Nutrients(calories=300, protein_g=protein, fiber_g=fiber),
        at,
        at,
        "usda",
    )
    await repo.add(entry, history_card(entry))


async def test_daily_averages_over_days_with_meals():
    repo, user = MemoryAnalysisRepository(), uuid.uuid4()
    await eat(repo, user, 0.1, fiber=6, protein=20)
    await eat(repo, user, 0.2, fiber=4, protein=10)  # same day: 10 g fibre that day
    await eat(repo, user, 2, fiber=8, protein=30)
    await eat(repo, user, 3, fiber=12, protein=40)
    await eat(repo, user, 30, fiber=100, protein=100)  # outside the window
    await eat(repo, uuid.uuid4(), 1, fiber=100, protein=100)  # someone else
    recent = await RecentNutritionFromHistory(repo)(user, NOW, 7)
    assert recent.days == 3
    assert recent.daily_average["fiber_g"] == 10.0
    assert recent.daily_average["protein_g"] == 100 / 3
    assert recent.daily_average["calories"] == 400.0


async def test_no_meals_means_no_nutrition():
    assert (
        await RecentNutritionFromHistory(MemoryAnalysisRepository())(uuid.uuid4(), NOW, 7) is None
    )
