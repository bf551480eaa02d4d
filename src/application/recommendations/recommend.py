"""GET /recommendations: the rule table applied to the person's state, meals and goals."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.preferences import PreferencesCache, PreferencesStore
from application.ports.recipes import FridgeMatcher, RecipeCatalogue
from application.preferences.use_cases import GetPreferences
from application.recommendations.sources import CurrentEmotion, RecentNutritionSource
from domain.errors import ValidationFailed
from domain.recipes.classification import recipe_violations
from domain.recipes.ingredients import normalise_food_name
from domain.recipes.recipe import Recipe
from domain.recommendations.context import EmotionalState, RecommendationContext
from domain.recommendations.engine import Recommendation, recommend
from domain.recommendations.rules import Kind

NUTRITION_DAYS = 7
MAX_LIMIT = 20


@dataclass(frozen=True, slots=True)
class RecommendationItem:
    recommendation: Recommendation
    recipe: Recipe | None


@dataclass(frozen=True, slots=True)
class Recommendations:
    emotion: EmotionalState
    items: list[RecommendationItem]
    emotion_confidence: float = 0.0


@dataclass(slots=True)
class GetRecommendations:
    store: PreferencesStore
    cache: PreferencesCache
    emotion: CurrentEmotion
    nutrition: RecentNutritionSource
    matcher: FridgeMatcher
    catalogue: RecipeCatalogue
    clock: Clock

    async def __call__(self, user_id: UUID, limit: int = 8) -> Recommendations:
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationFailed.single("limit", f"must be between 1 and {MAX_LIMIT}")
        now = self.clock.now()
        preferences = await GetPreferences(self.store, self.cache)(user_id)
        local = now.astimezone(zoneinfo.ZoneInfo(preferences.ui_preferences.timezone))
        disliked = frozenset(normalise_food_name(d) for d in preferences.disliked_foods)
        estimate = await self.emotion(user_id, now)
        context = RecommendationContext(
            emotion=estimate.state,
            emotion_confidence=estimate.confidence,
            nutrition=await self.nutrition(user_id, now, NUTRITION_DAYS),
            goals=preferences.wellness_goals,
            allergens=preferences.allergens,
            diets=preferences.dietary_restrictions,
            disliked=disliked,
            local_hour=local.hour,
        )
        items: list[RecommendationItem] = []
        used: set[UUID] = set()
        for rec in recommend(context, limit=limit):
            if rec.kind is not Kind.RECIPE:
                items.append(RecommendationItem(rec, None))
                continue
            recipe = await self._recipe_for(rec, context, used)
            if recipe is not None:
                used.add(recipe.id)
                items.append(
                    RecommendationItem(
                        Recommendation(
                            rec.kind,
                            recipe.title,
                            rec.reason,
                            rec.nutrients,
                            rec.foods,
                            rec.rule,
                            rec.confidence,
                        ),
                        recipe,
                    )
                )
        return Recommendations(context.emotion, items, context.emotion_confidence)

    async def _recipe_for(
        self, rec: Recommendation, context: RecommendationContext, used: set[UUID]
    ) -> Recipe | None:
        """The safe recipe best covered by the suggestion's ingredients, not shown yet."""
        matches = self.matcher.match(
            frozenset(rec.foods),
            allergens=context.allergens,
            diets=context.diets,
            disliked=context.disliked,
            limit=len(used) + 20,
        )
        # Prefer dishes that use several of the suggested ingredients over a one-ingredient
        # preparation ("boiled chickpeas") that happens to be fully covered.
        matches.sort(key=lambda m: (-min(len(m.matched), 3), -m.score))
        candidates = [m.recipe_id for m in matches if m.recipe_id not in used]
        recipes = await self.catalogue.get_many(candidates)
        for recipe_id in candidates:
            recipe = recipes.get(recipe_id)
            if recipe is not None and not recipe_violations(
                recipe, context.allergens, context.diets
            ):
                return recipe
        return None
