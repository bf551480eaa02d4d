"""dishka wiring of the wellness area: stores chosen from the profile, use cases.

The Mongo series creates its time-series collection and indexes on first use. The one
start-up hook builds the HRV backend, so that importing neurokit2 (about 1.5 s of CPU)
happens before the first request instead of inside it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from dishka import AsyncContainer, Has, Provider, Scope, alias, provide
from pymongo.asynchronous.database import AsyncDatabase

from adapters.hrv.factory import HrvBackend, build_hrv_backend
from adapters.mongo.emotions import MongoEmotionSeries
from adapters.sql.database import Database
from adapters.sql.wellness_records import sql_mood_check_ins, sql_wellness_scores
from adapters.sql.wellness_series import sql_emotion_series
from application.ports.clock import Clock
from application.ports.privacy import ConsentRepository
from application.ports.wellness import (
    EmotionHourReadings,
    EmotionSeries,
    MoodCheckIns,
    WellnessScores,
)
from application.wellness.ingest import IngestBiometrics
from application.wellness.mood import RecordMoodCheckIn
from application.wellness.queries import (
    GetCurrentEmotion,
    GetEmotions,
    GetWellnessToday,
    ListWellnessScores,
)
from application.wellness.retention import RunSeriesRetention
from entrypoints.settings import Settings
from entrypoints.startup import STARTUP_HOOKS

log = logging.getLogger(__name__)


class EmotionStore(EmotionSeries, EmotionHourReadings, Protocol):
    """One store is the emotion series and its hourly page's read side."""


class WellnessProvider(Provider):
    scope = Scope.APP

    @provide
    def emotion_store(self, db: Database) -> EmotionStore:
        return sql_emotion_series(db)

    @provide(when=Has(AsyncDatabase))
    def mongo_emotion_store(self, mongo: AsyncDatabase) -> EmotionStore:
        return MongoEmotionSeries(mongo)

    series = alias(source=EmotionStore, provides=EmotionSeries)
    hour_readings = alias(source=EmotionStore, provides=EmotionHourReadings)

    @provide
    def moods(self, db: Database) -> MoodCheckIns:
        return sql_mood_check_ins(db)

    @provide
    def scores(self, db: Database) -> WellnessScores:
        return sql_wellness_scores(db)

    @provide
    def hrv(self, settings: Settings) -> HrvBackend:
        backend = build_hrv_backend(settings.hrv_engine)
        log.info("wellness: %s", backend.description)
        return backend

    @provide
    def ingest(
        self,
        consents: ConsentRepository,
        series: EmotionSeries,
        scores: WellnessScores,
        moods: MoodCheckIns,
        clock: Clock,
        hrv: HrvBackend,
    ) -> IngestBiometrics:
        return IngestBiometrics(consents, series, scores, moods, clock, hrv.analyzer)

    @provide
    def retention(
        self, series: EmotionSeries, clock: Clock, settings: Settings
    ) -> RunSeriesRetention:
        return RunSeriesRetention(series, clock, budget_s=settings.retention_budget_s)

    use_cases = (
        provide(RecordMoodCheckIn)
        # Read-only: they take the request's `ReadRouting` (providers/request.py).
        + provide(GetEmotions, scope=Scope.REQUEST)
        + provide(GetCurrentEmotion, scope=Scope.REQUEST)
        + provide(GetWellnessToday, scope=Scope.REQUEST)
        + provide(ListWellnessScores, scope=Scope.REQUEST)
    )


async def load_hrv_backend(container: AsyncContainer, settings: Settings) -> None:
    """A StartupHook for the production profile: the first batch of samples a worker
    receives is not the one that waits for neurokit2 to import."""
    if settings.is_production:
        await container.get(HrvBackend)


STARTUP_HOOKS.append(load_hrv_backend)
