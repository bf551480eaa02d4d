"""Nutrition wiring: the SQL USDA store, the optional FDC API behind a 7-day cache and the
use cases.

In the embedded profile an empty store is filled with the packaged USDA generic foods
(about 12,400, a few seconds) the first time the process needs it, so a fresh install
answers nutrition queries without a manual ``psi data import-usda``, and processes that
never touch nutrition (most API tests) do not pay for it. ``auto_import_usda`` does the
same eagerly, as a start-up hook, for whoever prefers that."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

from dishka import AsyncContainer, Has, Provider, Scope, provide
from redis.asyncio import Redis

from adapters.memory.nutrition_cache import MemoryFoodCache
from adapters.nutrition.catalogue_csv import UsdaCatalogueSource
from adapters.nutrition.redis_cache import RedisFoodCache
from adapters.sql.database import Database
from adapters.sql.nutrition_store import SqlNutritionStore
from application.nutrition.answer_cache import SearchAnswers
from application.nutrition.caching import CachingFoodCatalog
from application.nutrition.fallback import FallbackFoodCatalog
from application.nutrition.import_usda import ImportUsda, import_if_incomplete
from application.nutrition.lookup import LookupNutrition, SearchFoods
from application.ports.nutrition import FoodCache, FoodCatalog, NutritionStore, UsdaFoodSource
from application.ports.reads import ReadRouting
from entrypoints.settings import Settings

log = logging.getLogger(__name__)


class NutritionProvider(Provider):
    scope = Scope.APP

    @provide
    async def store(self, s: Settings, db: Database) -> AsyncIterator[NutritionStore]:
        store = SqlNutritionStore(db)
        if auto_import_enabled(s):
            await _fill_if_empty(ImportUsda(UsdaCatalogueSource.default(), store), store)
        yield store

    @provide
    def usda_source(self) -> UsdaFoodSource:
        return UsdaCatalogueSource.default()

    @provide
    def fdc_cache(self) -> FoodCache:
        return MemoryFoodCache()

    @provide(when=Has(Redis))
    def redis_fdc_cache(self, s: Settings, redis: Redis) -> FoodCache:
        return RedisFoodCache(redis, prefix=f"{s.redis_prefix}nutrition:fdc:")

    @provide
    async def catalog(
        self, s: Settings, store: NutritionStore, cache: FoodCache
    ) -> AsyncIterator[FoodCatalog]:
        """The USDA store; with ``PSI_FDC_API_KEY`` set, the FDC API (cached 7 days) answers
        what the store does not know."""
        if not s.fdc_api_key:
            yield store
            return
        from adapters.nutrition.fdc_api import FdcApiCatalog  # httpx only when configured

        api = FdcApiCatalog(s.fdc_api_key, base_url=s.fdc_base_url, timeout_s=s.fdc_timeout_s)
        yield FallbackFoodCatalog(store, CachingFoodCatalog(api, cache))
        await api.aclose()

    @provide
    def lookup(self, catalog: FoodCatalog) -> LookupNutrition:
        return LookupNutrition(catalog)

    @provide(scope=Scope.REQUEST)  # the request's `ReadRouting` (providers/request.py)
    def search(self, catalog: FoodCatalog, reads: ReadRouting) -> SearchFoods:
        return SearchFoods(catalog, reads=reads)

    @provide
    def search_answers(self) -> SearchAnswers:
        return SearchAnswers()

    @provide
    def importer(self, source: UsdaFoodSource, store: NutritionStore) -> ImportUsda:
        return ImportUsda(source, store)


def auto_import_enabled(settings: Settings) -> bool:
    if settings.nutrition_auto_import is None:
        return not settings.is_production
    return settings.nutrition_auto_import


async def _fill_if_empty(importer: ImportUsda, store: NutritionStore) -> None:
    started = time.perf_counter()
    report = await import_if_incomplete(importer, store)
    if report is not None:
        log.info(
            "imported %d USDA foods into the empty nutrition store in %.1f s",
            report.imported,
            time.perf_counter() - started,
        )


async def auto_import_usda(container: AsyncContainer, settings: Settings) -> None:
    """A ``StartupHook``: resolving the store fills it when it is empty (embedded)."""
    if auto_import_enabled(settings):
        await container.get(NutritionStore)
