"""Recipes, preferences, fridge and recommendations wiring.

Stores: preferences and ratings in MongoDB when configured, else SQL; the catalogue in
SQL; the preferences cache in Redis when configured (none in the embedded profile). The
fridge index is a file under `var/recipes/`, loaded at start-up (production) or on first
use (embedded), refitted when the stored catalogue changed. In the embedded profile an
empty catalogue is filled with the packaged Wikibooks recipes on first use.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from dishka import AsyncContainer, Has, Provider, Scope, provide
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from adapters.mongo.preferences import MongoPreferencesStore
from adapters.mongo.ratings import MongoRecipeRatings
from adapters.recipes.serving import ServedFridgeIndex
from adapters.recipes.wikibooks import read_recipes
from adapters.redis.lane import Lane
from adapters.redis.preferences_cache import RedisPreferencesCache
from adapters.sql.database import Database
from adapters.sql.preferences import SqlPreferencesStore
from adapters.sql.recipes import SqlRecipeCatalogue
from adapters.sql.recipes_ratings import SqlRecipeRatings
from application.nutrition.lookup import LookupNutrition
from application.ports.food import AnalysisRepository
from application.ports.nutrition import NutritionStore
from application.ports.preferences import PreferencesCache, PreferencesStore
from application.ports.recipes import (
    FridgeIndexBuilder,
    FridgeMatcher,
    IngredientNutrition,
    RecipeCatalogue,
    RecipeRatings,
)
from application.preferences.use_cases import (
    GetPreferences,
    NoCache,
    PatchPreferences,
    ReplacePreferences,
)
from application.recipes.browse import GetRecipe, SearchRecipes
from application.recipes.fridge import MatchFridge
from application.recipes.import_catalogue import ImportRecipes, PrepareFridgeIndex
from application.recipes.ratings import DeleteRating, RateRecipe
from application.recipes.usda_nutrition import UsdaIngredientNutrition
from application.recommendations.recommend import GetRecommendations
from application.recommendations.sources import (
    CurrentEmotion,
    CurrentEmotionFromWellness,
    RecentNutritionFromHistory,
    RecentNutritionSource,
)
from application.wellness.queries import GetCurrentEmotion
from entrypoints.settings import Settings
from entrypoints.startup import STARTUP_HOOKS

log = logging.getLogger(__name__)


def fridge_index_path(settings: Settings) -> Path:
    return settings.var_dir / "recipes" / "fridge-index.npz"


def auto_import_enabled(settings: Settings) -> bool:
    return not settings.is_production


class RecipesProvider(Provider):
    scope = Scope.APP

    @provide
    async def catalogue(
        self, s: Settings, db: Database, served: ServedFridgeIndex
    ) -> RecipeCatalogue:
        catalogue = SqlRecipeCatalogue(db)
        if auto_import_enabled(s) and await catalogue.count() == 0:
            started = time.perf_counter()
            licence, sources = read_recipes()
            report = await ImportRecipes(catalogue, served)(licence, sources)
            log.info(
                "imported %d packaged recipes in %.1f s",
                report.recipes,
                time.perf_counter() - started,
            )
        return catalogue

    @provide
    def ingredient_nutrition(self, store: NutritionStore) -> IngredientNutrition:
        # The local USDA store only: pricing a recipe on read must never wait on the FDC API.
        return UsdaIngredientNutrition(LookupNutrition(store))

    @provide
    def ratings(self, db: Database) -> RecipeRatings:
        return SqlRecipeRatings(db)

    @provide(when=Has(AsyncDatabase))
    def mongo_ratings(self, mongo: AsyncDatabase) -> RecipeRatings:
        return MongoRecipeRatings(mongo)

    @provide
    def preferences_store(self, db: Database) -> PreferencesStore:
        return SqlPreferencesStore(db)

    @provide(when=Has(AsyncDatabase))
    def mongo_preferences_store(self, mongo: AsyncDatabase) -> PreferencesStore:
        return MongoPreferencesStore(mongo)

    @provide
    def preferences_cache(self) -> PreferencesCache:
        return NoCache()

    @provide(when=Has(Redis))
    def redis_preferences_cache(
        self, s: Settings, redis: Redis, lane: Lane | None
    ) -> PreferencesCache:
        return RedisPreferencesCache(redis, s.redis_prefix, lane=lane)

    @provide
    def served_index(self, s: Settings) -> ServedFridgeIndex:
        return ServedFridgeIndex(fridge_index_path(s))

    @provide
    def index_builder(self, served: ServedFridgeIndex) -> FridgeIndexBuilder:
        return served

    @provide
    async def matcher(self, served: ServedFridgeIndex, catalogue: RecipeCatalogue) -> FridgeMatcher:
        await PrepareFridgeIndex(catalogue, served)(served.version)
        return served

    @provide(scope=Scope.REQUEST)  # GetCurrentEmotion reads through the request's routing
    def current_emotion(self, current: GetCurrentEmotion) -> CurrentEmotion:
        # the same state and confidence as GET /emotions/current
        return CurrentEmotionFromWellness(current)

    @provide
    def recent_nutrition(self, analyses: AnalysisRepository) -> RecentNutritionSource:
        return RecentNutritionFromHistory(analyses)

    use_cases = (
        provide(GetPreferences)
        + provide(ReplacePreferences)
        + provide(PatchPreferences)
        # Read-only: they take the request's `ReadRouting` (providers/request.py).
        + provide(SearchRecipes, scope=Scope.REQUEST)
        + provide(GetRecipe, scope=Scope.REQUEST)
        + provide(RateRecipe)
        + provide(DeleteRating)
        + provide(MatchFridge)
        + provide(GetRecommendations, scope=Scope.REQUEST)
    )


async def load_fridge_index(container: AsyncContainer, settings: Settings) -> None:
    """A StartupHook for the production profile: serve the index from the first request."""
    if settings.is_production:
        await container.get(FridgeMatcher)


STARTUP_HOOKS.append(load_fridge_index)
