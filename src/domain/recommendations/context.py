"""What recommendations are made from, and the conditions the rule table tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from domain.preferences.preferences import WellnessGoal
from domain.recipes.vocabulary import Allergen, Diet


class EmotionalState(StrEnum):
    """The wellness area's emotion vocabulary (see the API contract)."""

    CALM = "calm"
    RELAXED = "relaxed"
    FOCUSED = "focused"
    STRESSED = "stressed"
    ANXIOUS = "anxious"
    FATIGUED = "fatigued"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class RecentNutrition:
    """Daily averages over the last `days` days with logged meals."""

    days: int
    daily_average: Mapping[str, float]  # calories, protein_g, carbs_g, fat_g, fiber_g, sugar_g


@dataclass(frozen=True, slots=True)
class RecommendationContext:
    emotion: EmotionalState = EmotionalState.UNKNOWN
    nutrition: RecentNutrition | None = None
    goals: frozenset[WellnessGoal] = frozenset()
    allergens: frozenset[Allergen] = frozenset()
    diets: frozenset[Diet] = frozenset()
    disliked: frozenset[str] = field(default_factory=frozenset)
    local_hour: int = 12

    def placeholders(self, cutoff: int, fibre_target: int) -> dict[str, object]:
        values: dict[str, object] = {"emotion": self.emotion.value, "cutoff": cutoff,
                                     "target_fiber": fibre_target, "days": 0}
        if self.nutrition is not None:
            values["days"] = self.nutrition.days
            values.update(self.nutrition.daily_average)
        return values


class Condition(Protocol):
    def holds(self, context: RecommendationContext) -> bool: ...


@dataclass(frozen=True, slots=True)
class EmotionIn:
    states: frozenset[EmotionalState]

    def holds(self, context: RecommendationContext) -> bool:
        return context.emotion in self.states


@dataclass(frozen=True, slots=True)
class GoalIn:
    goals: frozenset[WellnessGoal]

    def holds(self, context: RecommendationContext) -> bool:
        return bool(context.goals & self.goals)


@dataclass(frozen=True, slots=True)
class NutrientBelow:
    nutrient: str
    amount: float
    min_days: int = 3  # too few days of logged meals say nothing about a habit

    def holds(self, context: RecommendationContext) -> bool:
        n = context.nutrition
        if n is None or n.days < self.min_days or self.nutrient not in n.daily_average:
            return False
        return n.daily_average[self.nutrient] < self.amount


@dataclass(frozen=True, slots=True)
class NutrientAbove:
    nutrient: str
    amount: float
    min_days: int = 3

    def holds(self, context: RecommendationContext) -> bool:
        n = context.nutrition
        if n is None or n.days < self.min_days or self.nutrient not in n.daily_average:
            return False
        return n.daily_average[self.nutrient] > self.amount


@dataclass(frozen=True, slots=True)
class After:
    hour: int

    def holds(self, context: RecommendationContext) -> bool:
        return context.local_hour >= self.hour


@dataclass(frozen=True, slots=True)
class Before:
    hour: int

    def holds(self, context: RecommendationContext) -> bool:
        return context.local_hour < self.hour


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def holds(self, context: RecommendationContext) -> bool:
        return all(c.holds(context) for c in self.conditions)
