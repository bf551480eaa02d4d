"""Food analysis wiring: the history store, the daily quota, the task queue and the
use cases. Embedded: `InProcessQueue` runs jobs in the API process and a sweeper loop
runs beside it. Production (Redis): jobs go to a `RedisStreamQueue` that `psi worker`
consumes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from uuid import UUID

from dishka import AsyncContainer, Has, Provider, Scope, alias, provide
from redis.asyncio import Redis

from adapters.queue.in_process import InProcessQueue
from adapters.queue.redis_stream import RedisStreamQueue
from adapters.queue.sweeper import SweeperLoop
from adapters.redis.quota_food import RedisAnalysisQuota
from adapters.sql.database import Database
from adapters.sql.food_history import SqlAnalysisRepository
from adapters.sql.food_quota import SqlAnalysisQuota
from application.food.history import (
    AddManualEntry,
    CorrectEntry,
    DeleteEntry,
    GetAnalysis,
    ListHistory,
    WaitForAnalysis,
)
from application.food.images import GetMealImage
from application.food.processing import JobPolicy, ProcessAnalysis, RunAnalysisJob, SweepUnfinished
from application.food.upload import DecodeSlots, UploadMeal
from application.ports.clock import Clock
from application.ports.food import (
    AnalysisQueue,
    AnalysisQuota,
    AnalysisRepository,
    FoodHistoryView,
    JobHandler,
)
from entrypoints.providers.infrastructure import redis_topology
from entrypoints.settings import Settings
from entrypoints.startup import STARTUP_HOOKS

SWEEP_INTERVAL_S = 15.0
PENDING_GRACE_S = 60.0


class FoodProvider(Provider):
    scope = Scope.APP

    # One store is both the history's writer and its list's reader (the cards).
    store = provide(SqlAnalysisRepository)
    analyses = alias(source=SqlAnalysisRepository, provides=AnalysisRepository)
    history_view = alias(source=SqlAnalysisRepository, provides=FoodHistoryView)

    @provide
    def quota(self, db: Database) -> AnalysisQuota:
        return SqlAnalysisQuota(db)

    @provide(when=Has(Redis))
    def redis_quota(self, s: Settings, redis: Redis) -> AnalysisQuota:
        return RedisAnalysisQuota(redis, s.redis_prefix)

    @provide
    async def in_process_queue(self, container: AsyncContainer) -> AsyncIterator[InProcessQueue]:
        # No worker process: this one runs the jobs, and sweeps.
        queue = InProcessQueue()
        queue.bind(_lazy_job(container))
        sweeper = SweeperLoop(_lazy_sweep(container), SWEEP_INTERVAL_S)
        await queue.start()
        sweeper.start()
        yield queue
        await sweeper.stop()
        await queue.stop()

    @provide
    def queue(self, queue: InProcessQueue) -> AnalysisQueue:
        return queue

    @provide(when=Has(Redis))
    async def stream_queue(self, s: Settings) -> AsyncIterator[RedisStreamQueue]:
        # The API only adds jobs; `psi worker` binds a handler and consumes.
        topology = redis_topology(s)
        assert topology is not None, "Has(Redis): the Redis provider is installed"
        queue = RedisStreamQueue(topology, s.redis_prefix)
        await queue.start()
        yield queue
        await queue.stop()

    @provide(when=Has(Redis))
    def production_queue(self, queue: RedisStreamQueue) -> AnalysisQueue:
        return queue

    @provide
    def job_policy(self) -> JobPolicy:
        return JobPolicy()

    @provide
    def sweep(
        self, analyses: AnalysisRepository, queue: AnalysisQueue, clock: Clock
    ) -> SweepUnfinished:
        return SweepUnfinished(analyses, queue, clock, pending_grace_s=PENDING_GRACE_S)

    @provide
    def decode_slots(self, s: Settings) -> DecodeSlots:
        return DecodeSlots(s.image_decode_concurrency)

    use_cases = (
        provide(UploadMeal)
        + provide(ProcessAnalysis)
        + provide(RunAnalysisJob)
        + provide(GetAnalysis)
        + provide(WaitForAnalysis)
        + provide(ListHistory, scope=Scope.REQUEST)  # the request's `ReadRouting`
        + provide(DeleteEntry)
        + provide(CorrectEntry)
        + provide(AddManualEntry)
        + provide(GetMealImage)
    )


def _lazy_job(container: AsyncContainer) -> JobHandler:
    """Resolved at the first job, so a process that never runs one never loads models."""

    async def run(analysis_id: UUID) -> None:
        await (await container.get(RunAnalysisJob))(analysis_id)

    return run


def _lazy_sweep(container: AsyncContainer) -> Callable[[], Awaitable[int]]:
    async def sweep() -> int:
        return await (await container.get(SweepUnfinished))()

    return sweep


async def start_in_process_jobs(container: AsyncContainer, settings: Settings) -> None:
    """A start-up hook for the embedded profile: start the in-process queue and its
    sweeper at once, so analyses left pending by a restart are picked up. (With Redis the
    API only adds jobs; `psi worker` runs them and sweeps.)"""
    if settings.redis_url is None:
        await container.get(InProcessQueue)


STARTUP_HOOKS.append(start_in_process_jobs)
