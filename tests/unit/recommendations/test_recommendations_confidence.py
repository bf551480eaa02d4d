"""Suggestions on the current state carry its confidence and hedge below 0.5."""

import pytest

from domain.recommendations.context import EmotionalState, RecentNutrition, RecommendationContext
from domain.recommendations.engine import recommend
from domain.recommendations.rules import RULES, Basis

STATE_RULES = {r.id for r in RULES if r.basis is Basis.STATE}


@pytest.mark.parametrize(
    "state",
    [EmotionalState.STRESSED, EmotionalState.FATIGUED, EmotionalState.CALM, EmotionalState.FOCUSED],
)
def test_an_unsure_state_is_worded_as_unsure(state):
    unsure = recommend(RecommendationContext(emotion=state, emotion_confidence=0.09))
    on_state = [r for r in unsure if r.rule in STATE_RULES]
    assert on_state
    for r in on_state:
        assert r.confidence == 0.09
        assert "You seem" not in r.reason
        assert "uncertain" in r.reason and "0.09" in r.reason


def test_a_reasonably_sure_state_is_said_plainly():
    sure = recommend(
        RecommendationContext(emotion=EmotionalState.STRESSED, emotion_confidence=0.62)
    )
    on_state = [r for r in sure if r.rule in STATE_RULES]
    assert on_state and all(r.reason.startswith("You seem stressed") for r in on_state)
    assert {r.confidence for r in on_state} == {0.62}


def test_the_wording_turns_at_one_half():
    at = recommend(RecommendationContext(emotion=EmotionalState.STRESSED, emotion_confidence=0.5))
    below = recommend(
        RecommendationContext(emotion=EmotionalState.STRESSED, emotion_confidence=0.49)
    )
    assert any(r.reason.startswith("You seem stressed") for r in at)
    assert not any("You seem" in r.reason for r in below)


def test_other_suggestions_carry_the_confidence_of_what_they_rest_on():
    few = recommend(RecommendationContext(nutrition=RecentNutrition(3, {"fiber_g": 8.0})))
    week = recommend(RecommendationContext(nutrition=RecentNutrition(7, {"fiber_g": 8.0})))
    fibre = [r.confidence for r in few if r.rule == "low_fibre"]
    assert fibre and fibre[0] < next(r.confidence for r in week if r.rule == "low_fibre")
    unknown = recommend(RecommendationContext())
    assert all(0 < r.confidence <= 0.9 for r in unknown)
