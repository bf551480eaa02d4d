"""Reading, waiting for, correcting and deleting analyses, and manual entries.

Another user's id is answered like a missing one (NotFound), everywhere.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from application.food.pricing import FoodToPrice, price_foods
from application.nutrition.lookup import LookupNutrition
from application.ports.clock import Clock
from application.ports.food import AnalysisRepository, HistoryRecords
from application.ports.vision import ImageStore
from domain.errors import NotFound
from domain.food.analysis import Analysis, AnalysisStatus
from domain.food.history import HistoryQuery

MAX_WAIT_S = 30.0


@dataclass(slots=True)
class GetAnalysis:
    analyses: AnalysisRepository

    async def __call__(self, user_id: UUID, analysis_id: UUID) -> Analysis:
        found = await self.analyses.get(analysis_id, user_id)
        if found is None:
            raise NotFound("no such analysis")
        return found

    async def entry(self, user_id: UUID, analysis_id: UUID) -> Analysis:
        """A history entry: a completed analysis or manual entry."""
        found = await self(user_id, analysis_id)
        if found.status is not AnalysisStatus.COMPLETED:
            raise NotFound("no such history entry")
        return found


@dataclass(slots=True)
class WaitForAnalysis:
    """`Prefer: wait=N`: the analysis once final, or as it stands after `wait_s`."""

    analyses: AnalysisRepository

    async def __call__(self, analysis_id: UUID, wait_s: float,
                       first_poll_s: float = 0.005, max_poll_s: float = 0.025
                       ) -> Analysis | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(wait_s, 0.0), MAX_WAIT_S)
        poll = first_poll_s
        while True:
            found = await self.analyses.get(analysis_id)
            if found is None or found.status.is_final:
                return found
            left = deadline - loop.time()
            if left <= 0:
                return found
            await asyncio.sleep(min(poll, left))
            poll = min(max_poll_s, poll * 2)


@dataclass(slots=True)
class ListHistory:
    """A page of the history for the list endpoint: stored records, not domain objects
    (the page is only shown, and rebuilding 20 analyses per request cost more than the
    rest of the request)."""

    analyses: AnalysisRepository

    async def __call__(self, query: HistoryQuery) -> HistoryRecords:
        return await self.analyses.history_records(query)


@dataclass(slots=True)
class DeleteEntry:
    analyses: AnalysisRepository
    images: ImageStore

    async def __call__(self, user_id: UUID, analysis_id: UUID) -> None:
        removed = await self.analyses.delete(user_id, analysis_id)
        if removed is None:
            raise NotFound("no such history entry")
        if removed.image_ref is not None:
            await self.images.delete(removed.image_ref)


@dataclass(frozen=True, slots=True)
class Correction:
    food: str
    portion_grams: float


@dataclass(slots=True)
class CorrectEntry:
    """`PATCH /food/history/{id}`: the user says what was really on the plate."""

    analyses: AnalysisRepository
    lookup: LookupNutrition

    async def __call__(self, user_id: UUID, analysis_id: UUID,
                       corrections: list[Correction]) -> Analysis:
        current = await self.analyses.get(analysis_id, user_id)
        if current is None or current.status is not AnalysisStatus.COMPLETED:
            raise NotFound("no such history entry")
        priced = await price_foods(self.lookup, [
            FoodToPrice(c.food.strip(), 1.0, grams=c.portion_grams) for c in corrections])
        updated = await self.analyses.correct(user_id, analysis_id, priced.foods,
                                              priced.nutrition, priced.source)
        if updated is None:
            raise NotFound("no such history entry")
        return updated


@dataclass(slots=True)
class AddManualEntry:
    """`POST /food/entries`: a meal typed in, with nutrition looked up."""

    analyses: AnalysisRepository
    lookup: LookupNutrition
    clock: Clock

    async def __call__(self, user_id: UUID, food: str, grams: float,
                       eaten_at: datetime | None) -> Analysis:
        priced = await price_foods(self.lookup, [FoodToPrice(food.strip(), 1.0, grams=grams)])
        entry = Analysis.manual(uuid4(), user_id, priced.foods[0], priced.nutrition,
                                self.clock.now(), eaten_at, priced.source)
        await self.analyses.add(entry)
        return entry
