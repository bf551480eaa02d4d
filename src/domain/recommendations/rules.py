"""The recommendation rule table: every suggestion Psi makes, and why, in one place.

A rule pairs a condition on the person's context (current emotional state,
the last days' nutrition, goals, local time) with suggestions. Each suggestion
carries the plain-language reason shown to the person; placeholders
({emotion}, {days}, {fiber_g}, ...) are filled from the context. Foods are
catalogue names, so the engine can drop those that break someone's allergens,
diet or dislikes. This is wellness information, not medical advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.preferences.preferences import WellnessGoal as Goal
from domain.recommendations.context import (
    After,
    AllOf,
    Before,
    Condition,
    EmotionIn,
    GoalIn,
    NutrientAbove,
    NutrientBelow,
)
from domain.recommendations.context import EmotionalState as E

DISCLAIMER = (
    "Wellness information, not medical advice. Talk to a health professional "
    "about any medical concern."
)

FIBRE_TARGET_G = 25
PROTEIN_TARGET_G = 50
SUGAR_LIMIT_G = 50
CAFFEINE_CUTOFF_HOUR = 14


class Basis(StrEnum):
    """What a rule rests on, and so how sure its suggestion can be."""

    STATE = "state"  # the current emotional state: its confidence
    MEALS = "meals"  # logged meals: surer with more days
    GOALS = "goals"  # what the person said they want
    NOTHING = "nothing"  # nothing known yet


class Kind(StrEnum):
    RECIPE = "recipe"
    FOOD = "food"
    NUTRIENT = "nutrient"
    HABIT = "habit"


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: Kind
    title: str  # "{foods}" is replaced by the foods that suit the person
    reason: str
    nutrients: tuple[str, ...] = ()
    foods: tuple[str, ...] = ()  # candidates (food/nutrient) or recipe ingredients (recipe)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    suggestions: tuple[Suggestion, ...]
    priority: int  # lower comes first
    basis: Basis = Basis.STATE


_STRESSED = EmotionIn(frozenset({E.STRESSED, E.ANXIOUS}))
_MAGNESIUM_FOODS = ("spinach", "pumpkin seed", "almond", "bean", "oat", "cashew", "tofu")
_OMEGA3_FOODS = ("salmon", "sardine", "mackerel", "walnut", "flaxseed", "chia seed")
_IRON_FOODS = ("lentil", "spinach", "chickpea", "beef", "tofu", "pumpkin seed")
_PROTEIN_FOODS = ("egg", "lentil", "chicken", "yogurt", "tofu", "fish", "chickpea")
_FIBRE_FOODS = ("lentil", "bean", "chickpea", "oat", "pea", "broccoli", "pear")

MAGNESIUM = Suggestion(
    Kind.NUTRIENT,
    "Magnesium-rich foods: {foods}",
    "Magnesium is used in the body's stress response; leafy greens, seeds, nuts and beans "
    "are good sources.",
    nutrients=("magnesium",),
    foods=_MAGNESIUM_FOODS,
)
OMEGA3 = Suggestion(
    Kind.NUTRIENT,
    "Omega-3 sources: {foods}",
    "Omega-3 fats from oily fish, walnuts or seeds support brain and heart health and are "
    "linked with lower stress in studies.",
    nutrients=("omega_3",),
    foods=_OMEGA3_FOODS,
)
IRON = Suggestion(
    Kind.NUTRIENT,
    "Iron-rich foods: {foods}",
    "Tiredness can go with low iron; pulses, leafy greens and meat are good sources (pair "
    "plant sources with vitamin C, such as lemon or peppers).",
    nutrients=("iron",),
    foods=_IRON_FOODS,
)
PROTEIN = Suggestion(
    Kind.NUTRIENT,
    "Protein at your next meal: {foods}",
    "Protein keeps energy steadier between meals than sugary snacks do.",
    nutrients=("protein",),
    foods=_PROTEIN_FOODS,
)

RULES: tuple[Rule, ...] = (
    # --- current emotional state ------------------------------------------------------
    Rule(
        "stressed.nutrients",
        _STRESSED,
        (
            Suggestion(
                MAGNESIUM.kind,
                MAGNESIUM.title,
                "{seem} right now. " + MAGNESIUM.reason,
                MAGNESIUM.nutrients,
                MAGNESIUM.foods,
            ),
            Suggestion(
                OMEGA3.kind,
                OMEGA3.title,
                "{seem} right now. " + OMEGA3.reason,
                OMEGA3.nutrients,
                OMEGA3.foods,
            ),
            Suggestion(
                Kind.RECIPE,
                "{recipe}",
                "{seem}: this recipe is built on magnesium- and omega-3-rich ingredients.",
                ("magnesium", "omega_3"),
                (
                    "spinach",
                    "salmon",
                    "bean",
                    "lentil",
                    "walnut",
                    "pumpkin seed",
                    "oat",
                    "sardine",
                    "chickpea",
                ),
            ),
        ),
        priority=10,
    ),
    Rule(
        "stressed.late_caffeine",
        AllOf((_STRESSED, After(CAFFEINE_CUTOFF_HOUR))),
        (
            Suggestion(
                Kind.HABIT,
                "Skip caffeinated drinks for the rest of the day",
                "{seem} and it is after {cutoff}:00. Caffeine stays in the body "
                "for hours, can add to tension and makes it harder to sleep; try water, "
                "herbal tea or decaf instead.",
            ),
        ),
        priority=11,
    ),
    Rule(
        "stressed.caffeine",
        AllOf((_STRESSED, Before(CAFFEINE_CUTOFF_HOUR))),
        (
            Suggestion(
                Kind.HABIT,
                "Keep coffee and tea to the morning today",
                "{seem}. Fewer caffeinated drinks, and none after {cutoff}:00, "
                "help the body settle and protect tonight's sleep.",
            ),
        ),
        priority=11,
    ),
    Rule(
        "fatigued",
        EmotionIn(frozenset({E.FATIGUED})),
        (
            Suggestion(
                Kind.HABIT,
                "Drink a glass of water now",
                "{seem}. Even mild dehydration makes people feel tired; keep "
                "water within reach this afternoon.",
            ),
            Suggestion(IRON.kind, IRON.title, "{seem}. " + IRON.reason, IRON.nutrients, IRON.foods),
            Suggestion(
                PROTEIN.kind,
                PROTEIN.title,
                "{seem}. " + PROTEIN.reason,
                PROTEIN.nutrients,
                PROTEIN.foods,
            ),
            Suggestion(
                Kind.RECIPE,
                "{recipe}",
                "{seem}: this recipe brings iron and protein.",
                ("iron", "protein"),
                ("lentil", "spinach", "chickpea", "egg", "beef", "chicken", "bean"),
            ),
        ),
        priority=10,
    ),
    Rule(
        "focused",
        EmotionIn(frozenset({E.FOCUSED})),
        (
            Suggestion(
                Kind.FOOD,
                "A steady-energy snack: {foods}",
                "{seem}. A snack with protein and fibre keeps energy even without a sugar crash.",
                foods=("almond", "yogurt", "apple", "walnut", "banana"),
            ),
        ),
        priority=20,
    ),
    Rule(
        "calm",
        EmotionIn(frozenset({E.CALM, E.RELAXED})),
        (
            Suggestion(
                Kind.HABIT,
                "Keep your meal times regular",
                "{seem}. Regular meals help keep it that way: energy and mood "
                "dip when meals are skipped.",
            ),
        ),
        priority=20,
    ),
    Rule(
        "active",
        EmotionIn(frozenset({E.ACTIVE})),
        (
            Suggestion(
                Kind.HABIT,
                "Drink some water as you go",
                "{seem}. Sweat costs water; a few sips every 15-20 minutes of activity "
                "and a glass afterwards replace it.",
            ),
        ),
        priority=20,
    ),
    Rule(
        "unknown",
        EmotionIn(frozenset({E.UNKNOWN})),
        (
            Suggestion(
                Kind.HABIT,
                "Tell Psi how you feel",
                "Psi has no recent reading of how you feel. A quick mood check-in or a "
                "connected wearable lets these suggestions follow your state.",
            ),
        ),
        priority=40,
        basis=Basis.NOTHING,
    ),
    # --- the last days' meals --------------------------------------------------------------
    Rule(
        "low_fibre",
        NutrientBelow("fiber_g", FIBRE_TARGET_G),
        (
            Suggestion(
                Kind.RECIPE,
                "{recipe}",
                "Your logged meals averaged {fiber_g:.0f} g of fibre a day over the last "
                "{days} days ({target_fiber} g or more is a common target). This recipe is "
                "built on fibre-rich ingredients.",
                ("fiber",),
                _FIBRE_FOODS,
            ),
            Suggestion(
                Kind.FOOD,
                "Fibre-rich foods: {foods}",
                "Fibre from pulses, oats and vegetables supports digestion and steadier "
                "energy; your recent meals were low in it.",
                ("fiber",),
                _FIBRE_FOODS,
            ),
        ),
        priority=15,
        basis=Basis.MEALS,
    ),
    Rule(
        "low_protein",
        NutrientBelow("protein_g", PROTEIN_TARGET_G),
        (
            Suggestion(
                PROTEIN.kind,
                PROTEIN.title,
                "Your logged meals averaged {protein_g:.0f} g of protein a day over the last "
                "{days} days. " + PROTEIN.reason,
                PROTEIN.nutrients,
                PROTEIN.foods,
            ),
        ),
        priority=16,
        basis=Basis.MEALS,
    ),
    Rule(
        "high_sugar",
        NutrientAbove("sugar_g", SUGAR_LIMIT_G),
        (
            Suggestion(
                Kind.HABIT,
                "Swap one sweet drink or snack a day for fruit or nuts",
                "Your logged meals averaged {sugar_g:.0f} g of sugar a day over the last "
                "{days} days; cutting back evens out energy and mood swings.",
                ("sugar",),
            ),
        ),
        priority=16,
        basis=Basis.MEALS,
    ),
    # --- goals ---------------------------------------------------------------------------------
    Rule(
        "goal.reduce_stress",
        GoalIn(frozenset({Goal.REDUCE_STRESS, Goal.MOOD_BALANCE})),
        (
            Suggestion(
                MAGNESIUM.kind,
                MAGNESIUM.title,
                "For your goal of a calmer mood: " + MAGNESIUM.reason,
                MAGNESIUM.nutrients,
                MAGNESIUM.foods,
            ),
            Suggestion(
                OMEGA3.kind,
                OMEGA3.title,
                "For your goal of a calmer mood: " + OMEGA3.reason,
                OMEGA3.nutrients,
                OMEGA3.foods,
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
    Rule(
        "goal.better_sleep",
        GoalIn(frozenset({Goal.BETTER_SLEEP})),
        (
            Suggestion(
                Kind.HABIT,
                "No caffeine after {cutoff}:00",
                "For your goal of better sleep: caffeine taken in the afternoon is still "
                "active at bedtime.",
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
    Rule(
        "goal.more_energy",
        GoalIn(frozenset({Goal.MORE_ENERGY, Goal.MUSCLE_GAIN})),
        (
            Suggestion(
                PROTEIN.kind,
                PROTEIN.title,
                "For your energy and strength goals: " + PROTEIN.reason,
                PROTEIN.nutrients,
                PROTEIN.foods,
            ),
            Suggestion(
                IRON.kind,
                IRON.title,
                "For your energy goal: " + IRON.reason,
                IRON.nutrients,
                IRON.foods,
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
    Rule(
        "goal.better_focus",
        GoalIn(frozenset({Goal.BETTER_FOCUS, Goal.HEART_HEALTH})),
        (
            Suggestion(
                OMEGA3.kind,
                OMEGA3.title,
                "For your focus and heart goals: " + OMEGA3.reason,
                OMEGA3.nutrients,
                OMEGA3.foods,
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
    Rule(
        "goal.gut_health",
        GoalIn(frozenset({Goal.GUT_HEALTH, Goal.WEIGHT_MANAGEMENT})),
        (
            Suggestion(
                Kind.FOOD,
                "Fibre-rich foods: {foods}",
                "For your gut and weight goals: fibre feeds gut bacteria and keeps you full "
                "for longer.",
                ("fiber",),
                _FIBRE_FOODS,
            ),
            Suggestion(
                Kind.FOOD,
                "Fermented foods: {foods}",
                "For your gut goal: fermented foods bring live cultures.",
                foods=("yogurt", "kimchi", "sauerkraut", "miso"),
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
    Rule(
        "goal.hydration",
        GoalIn(frozenset({Goal.HYDRATION})),
        (
            Suggestion(
                Kind.HABIT,
                "Drink a glass of water now",
                "For your hydration goal: a glass with each meal and one in between adds up "
                "to most of what adults need.",
            ),
        ),
        priority=30,
        basis=Basis.GOALS,
    ),
)
