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
    ACTIVE = "active"
    UNKNOWN = "unknown"


UNCERTAIN_BELOW = 0.5  # the wellness area's line: below it, words say the state is unsure


def seems(state: EmotionalState, confidence: float) -> str:
    """How a reason opens on the current state: plainly when the reading is reasonably
    sure, as a hint that says it is unsure below UNCERTAIN_BELOW."""
    if state is EmotionalState.ACTIVE:
        return (
            "You seem to be moving"
            if confidence >= UNCERTAIN_BELOW
            else (
                "Your heart rate suggests you may be moving (uncertain reading, confidence "
                f"{confidence:.2f})"
            )
        )
    if confidence >= UNCERTAIN_BELOW:
        return f"You seem {state.value}"
    return (
        f"Your readings hint that you might be {state.value}, but this is uncertain "
        f"(confidence {confidence:.2f})"
    )


@dataclass(frozen=True, slots=True)
class RecentNutrition:
    """Daily averages over the last `days` days with logged meals."""

    days: int
    daily_average: Mapping[str, float]  # calories, protein_g, carbs_g, fat_g, fiber_g, sugar_g


@dataclass(frozen=True, slots=True)
class RecommendationContext:
    emotion: EmotionalState = EmotionalState.UNKNOWN
    emotion_confidence: float = 0.0  # as `GET /emotions/current` reports it
    nutrition: RecentNutrition | None = None
    goals: frozenset[WellnessGoal] = frozenset()
    allergens: frozenset[Allergen] = frozenset()
    diets: frozenset[Diet] = frozenset()
    disliked: frozenset[str] = field(default_factory=frozenset)
    local_hour: int = 12

    def placeholders(self, cutoff: int, fibre_target: int) -> dict[str, object]:
        values: dict[str, object] = {
            "emotion": self.emotion.value,
            "cutoff": cutoff,
            "target_fiber": fibre_target,
            "days": 0,
            "seem": seems(self.emotion, self.emotion_confidence),
        }
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
