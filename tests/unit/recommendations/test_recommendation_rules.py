"""The rule table applied: reasons follow the emotional state, meals, goals and safety."""

from __future__ import annotations

from domain.preferences.preferences import WellnessGoal
from domain.recipes.vocabulary import Allergen, Diet
from domain.recommendations.context import (
    EmotionalState,
    RecentNutrition,
    RecommendationContext,
)
from domain.recommendations.engine import recommend
from domain.recommendations.rules import DISCLAIMER, RULES, Kind


def reasons(**context) -> list[str]:
    return [r.reason for r in recommend(RecommendationContext(**context))]


def test_reasons_change_when_the_emotional_state_changes():
    stressed = recommend(RecommendationContext(emotion=EmotionalState.STRESSED, local_hour=16))
    fatigued = recommend(RecommendationContext(emotion=EmotionalState.FATIGUED, local_hour=16))
    assert [r.reason for r in stressed] != [r.reason for r in fatigued]
    assert any("magnesium" in (r.nutrients or ()) for r in stressed)
    assert any("omega_3" in r.nutrients for r in stressed)
    assert any(r.kind is Kind.HABIT and "caffein" in r.title.lower() for r in stressed)
    assert any("iron" in r.nutrients for r in fatigued)
    assert any("protein" in r.nutrients for r in fatigued)
    assert any(r.kind is Kind.HABIT and "water" in r.title.lower() for r in fatigued)
    assert all("stressed" in r.reason for r in stressed if r.rule.startswith("stressed"))


def test_caffeine_advice_depends_on_the_local_hour():
    afternoon = recommend(RecommendationContext(emotion=EmotionalState.ANXIOUS, local_hour=17))
    morning = recommend(RecommendationContext(emotion=EmotionalState.ANXIOUS, local_hour=9))
    assert "rest of the day" in next(r.title for r in afternoon if r.kind is Kind.HABIT)
    assert "morning" in next(r.title for r in morning if r.kind is Kind.HABIT)


def test_unknown_state_asks_for_a_check_in():
    recs = recommend(RecommendationContext())
    assert recs[0].rule == "unknown"
    assert "mood check-in" in recs[0].reason


def test_low_fibre_week_brings_fibre_rich_recipes_with_the_figures():
    week = RecentNutrition(days=7, daily_average={"fiber_g": 11.4, "protein_g": 70.0})
    recs = recommend(RecommendationContext(nutrition=week, emotion=EmotionalState.CALM))
    fibre = [r for r in recs if r.rule == "low_fibre"]
    assert {r.kind for r in fibre} == {Kind.RECIPE, Kind.FOOD}
    assert "11 g of fibre a day over the last 7 days" in fibre[0].reason


def test_too_few_logged_days_say_nothing_about_habits():
    two_days = RecentNutrition(days=2, daily_average={"fiber_g": 5.0, "sugar_g": 200.0})
    recs = recommend(RecommendationContext(nutrition=two_days))
    assert not [r for r in recs if r.rule in {"low_fibre", "high_sugar"}]


def test_foods_breaking_allergens_or_diets_are_never_suggested():
    context = RecommendationContext(
        emotion=EmotionalState.STRESSED,
        allergens=frozenset({Allergen.FISH, Allergen.TREE_NUTS}),
        diets=frozenset({Diet.VEGAN}),
        disliked=frozenset({"spinach"}),
    )
    for rec in recommend(context, limit=50):
        for food in (
            "salmon",
            "sardine",
            "mackerel",
            "walnut",
            "almond",
            "cashew",
            "spinach",
            "egg",
            "yogurt",
        ):
            assert food not in rec.foods
            assert food not in rec.title


def test_a_suggestion_with_no_suitable_food_is_dropped():
    context = RecommendationContext(
        emotion=EmotionalState.FATIGUED,
        diets=frozenset({Diet.VEGAN}),
        allergens=frozenset({Allergen.EGGS, Allergen.SOY, Allergen.GLUTEN}),
    )
    recs = recommend(context, limit=50)
    protein = [r for r in recs if "protein" in r.nutrients and r.kind is Kind.NUTRIENT]
    assert all(f in {"lentil", "chickpea"} for r in protein for f in r.foods)


def test_goals_add_their_rules_and_titles_are_not_repeated():
    recs = recommend(
        RecommendationContext(
            emotion=EmotionalState.STRESSED,
            goals=frozenset({WellnessGoal.REDUCE_STRESS, WellnessGoal.GUT_HEALTH}),
        ),
        limit=50,
    )
    titles = [(r.kind, r.title) for r in recs if r.kind is not Kind.RECIPE]
    assert len(titles) == len(set(titles))
    assert any(r.rule == "goal.gut_health" for r in recs)


def test_every_rule_reason_is_plain_language_and_the_disclaimer_says_not_medical():
    assert "not medical advice" in DISCLAIMER
    for rule in RULES:
        for suggestion in rule.suggestions:
            assert len(suggestion.reason) > 30


def test_the_list_is_short_and_ordered_by_priority():
    recs = recommend(
        RecommendationContext(
            emotion=EmotionalState.STRESSED,
            local_hour=20,
            nutrition=RecentNutrition(7, {"fiber_g": 10.0, "protein_g": 20.0, "sugar_g": 90.0}),
            goals=frozenset(WellnessGoal),
        )
    )
    assert len(recs) == 8
    assert recs[0].rule.startswith("stressed")
