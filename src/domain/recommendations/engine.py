"""Turn the rule table into a short, ranked, personal list of suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from domain.recipes.classification import violations
from domain.recipes.ingredients import normalise_food_name
from domain.recipes.lexicon import default_lexicon
from domain.recommendations.context import RecommendationContext
from domain.recommendations.rules import (
    CAFFEINE_CUTOFF_HOUR,
    FIBRE_TARGET_G,
    RULES,
    Basis,
    Kind,
    Rule,
    Suggestion,
)

MAX_FOODS_SHOWN = 3
DEFAULT_LIMIT = 8


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One suggestion, ready to show. Recipe suggestions still need a recipe picked
    from `foods` (the ingredients it should be built on) by the caller."""

    kind: Kind
    title: str
    reason: str
    nutrients: tuple[str, ...]
    foods: tuple[str, ...]
    rule: str
    confidence: float = 0.0  # how sure Psi is that this applies (`confidence_of`)


def suits(food: str, context: RecommendationContext) -> bool:
    """A catalogue food name free of the person's allergens, diet breaks and dislikes."""
    entry = default_lexicon().lookup(tuple(food.split()))
    traits = entry.traits if entry is not None else default_lexicon().traits_of(food)
    if violations(traits, context.allergens, context.diets):
        return False
    return food not in {normalise_food_name(d) for d in context.disliked}


def recommend(
    context: RecommendationContext, rules: tuple[Rule, ...] = RULES, limit: int = DEFAULT_LIMIT
) -> list[Recommendation]:
    """Suggestions of every rule that holds, most pressing first, one per title."""
    values = context.placeholders(CAFFEINE_CUTOFF_HOUR, FIBRE_TARGET_G)
    results: list[Recommendation] = []
    seen: set[tuple[Kind, str]] = set()
    for rule in sorted(rules, key=lambda r: r.priority):
        if not rule.when.holds(context):
            continue
        for suggestion in rule.suggestions:
            made = _make(suggestion, rule, context, values)
            if made is None:
                continue
            key = (made.kind, made.title if made.kind is not Kind.RECIPE else made.rule)
            if key in seen:
                continue
            seen.add(key)
            results.append(made)
    return results[:limit]


STATED = 0.9  # a goal the person set, or the plain fact that nothing is known yet


def confidence_of(rule: Rule, context: RecommendationContext) -> float:
    """A suggestion is as sure as what it rests on: the current state's confidence (the
    number `GET /emotions/current` shows), a few days of logged meals (0.65 at three
    days, 0.85 from seven), or what the person stated."""
    if rule.basis is Basis.STATE:
        return context.emotion_confidence
    if rule.basis is Basis.MEALS:
        days = context.nutrition.days if context.nutrition is not None else 0
        return round(min(0.85, 0.5 + 0.05 * days), 2)
    return STATED


def _make(
    suggestion: Suggestion, rule: Rule, context: RecommendationContext, values: dict[str, object]
) -> Recommendation | None:
    foods = tuple(f for f in suggestion.foods if suits(f, context))
    if suggestion.foods and not foods:
        return None  # every food of this suggestion is unsuitable for this person
    shown = ", ".join(foods[:MAX_FOODS_SHOWN])
    title = suggestion.title.replace("{foods}", shown)
    if suggestion.kind is not Kind.RECIPE:
        title = title.format(**values)
    return Recommendation(
        suggestion.kind,
        title,
        suggestion.reason.format(**values),
        suggestion.nutrients,
        foods,
        rule.id,
        confidence_of(rule, context),
    )
