"""GET /recommendations' use case over in-memory stores, the real catalogue and the emotion
series of the wellness area."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.clock import ManualClock
from adapters.memory.preferences import MemoryPreferencesCache, MemoryPreferencesStore
from adapters.memory.recipes import MemoryRecipeCatalogue
from adapters.memory.wellness import MemoryEmotionSeries
from application.preferences.use_cases import ReplacePreferences
from application.recommendations.recommend import GetRecommendations
from application.recommendations.sources import LatestEmotion, NoNutrition, UnknownEmotion
from domain.errors import ValidationFailed
from domain.recipes.classification import violations
from domain.recommendations.context import EmotionalState, RecentNutrition
from domain.recommendations.rules import Kind
from domain.wellness.emotion import Emotion
from domain.wellness.samples import Source
from domain.wellness.series import EmotionPoint
from tests.unit.recipes.catalogue import packaged_index, packaged_recipes

NOW = datetime(2026, 11, 10, 16, 30, tzinfo=UTC)


class FixedNutrition:
    def __init__(self, nutrition: RecentNutrition | None) -> None:
        self.nutrition = nutrition

    async def __call__(self, user_id, now, days):
        return self.nutrition


@pytest.fixture
async def world():
    catalogue = MemoryRecipeCatalogue()
    await catalogue.upsert_many(packaged_recipes())
    return catalogue, MemoryPreferencesStore(), MemoryPreferencesCache(), ManualClock(NOW)


def use_case(world, emotion, nutrition=None):
    catalogue, store, cache, clock = world
    return GetRecommendations(
        store, cache, emotion, nutrition or NoNutrition(), packaged_index(), catalogue, clock
    )


def point(user, emotion: Emotion, at: datetime) -> EmotionPoint:
    return EmotionPoint(
        user_id=user,
        timestamp=at,
        source=Source.APPLE_WATCH,
        heart_rate=80.0,
        hrv_rmssd=30.0,
        hrv_sdnn=40.0,
        pnn50=10.0,
        stress_score=70,
        emotion=emotion,
        confidence=0.8,
    )


async def test_recipes_follow_the_rules_and_respect_allergies(world):
    _, store, cache, clock = world
    user = uuid.uuid4()
    await ReplacePreferences(store, cache, clock)(
        user, {"allergens": ["fish", "tree_nuts", "gluten"], "dietary_restrictions": ["vegetarian"]}
    )
    series = MemoryEmotionSeries()
    await series.add([point(user, Emotion.STRESSED, NOW - timedelta(minutes=10))])
    result = await use_case(world, LatestEmotion(series))(user)
    assert result.emotion is EmotionalState.STRESSED
    recipes = [i.recipe for i in result.items if i.recommendation.kind is Kind.RECIPE]
    assert recipes and all(r is not None for r in recipes)
    prefs = await store.get(user)
    for recipe in recipes:
        assert not violations(recipe.traits, prefs.allergens, prefs.dietary_restrictions)
    for item in result.items:
        assert item.recommendation.reason


async def test_reasons_change_with_the_emotional_state(world):
    user = uuid.uuid4()
    series = MemoryEmotionSeries()
    await series.add([point(user, Emotion.FATIGUED, NOW - timedelta(minutes=5))])
    fatigued = await use_case(world, LatestEmotion(series))(user)
    unknown = await use_case(world, UnknownEmotion())(user)
    assert [i.recommendation.reason for i in fatigued.items] != [
        i.recommendation.reason for i in unknown.items
    ]
    assert any("fatigued" in i.recommendation.reason for i in fatigued.items)


async def test_an_old_reading_is_not_the_current_state(world):
    user = uuid.uuid4()
    series = MemoryEmotionSeries()
    await series.add([point(user, Emotion.STRESSED, NOW - timedelta(hours=5))])
    assert (await use_case(world, LatestEmotion(series))(user)).emotion is EmotionalState.UNKNOWN


async def test_low_fibre_nutrition_brings_a_fibre_rich_recipe(world):
    week = RecentNutrition(7, {"fiber_g": 9.0})
    result = await use_case(world, UnknownEmotion(), FixedNutrition(week))(uuid.uuid4())
    fibre = [
        i
        for i in result.items
        if i.recommendation.rule == "low_fibre" and i.recommendation.kind is Kind.RECIPE
    ]
    assert fibre
    names = set(fibre[0].recipe.ingredient_names)
    assert names & {"lentil", "bean", "chickpea", "oat", "pea", "broccoli", "pear"}
    assert fibre[0].recommendation.title == fibre[0].recipe.title


async def test_limit_is_checked(world):
    with pytest.raises(ValidationFailed):
        await use_case(world, UnknownEmotion())(uuid.uuid4(), limit=0)
