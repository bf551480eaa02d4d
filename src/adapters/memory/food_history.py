"""In-process food analyses, quota and queue: for unit tests and the contract suite's
reference behaviour (same ordering and counting rules as the SQL adapters)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from application.ports.food import HistoryCard, HistoryCards, JobHandler
from domain.food.analysis import Analysis, AnalysisStatus, FoodItem, food_keys
from domain.food.history import HistoryPage, HistoryQuery, HistorySort
from domain.food.quota import QuotaWindow

_COMPLETED = AnalysisStatus.COMPLETED


class MemoryAnalysisRepository:
    """`AnalysisRepository` and `FoodHistoryView` (the cards, kept as given)."""

    def __init__(self) -> None:
        self.rows: dict[UUID, Analysis] = {}
        self.cards: dict[UUID, HistoryCard] = {}
        self.totals: dict[UUID, int] = {}

    def _keep_card(self, entry: Analysis, card: HistoryCard | None) -> None:
        if entry.status is _COMPLETED and card is None:
            raise ValueError(f"completed entry {entry.id} written without its card")
        if card is None:
            self.cards.pop(entry.id, None)
        else:
            self.cards[entry.id] = card

    def _count(self, user_id: UUID, delta: int) -> None:
        self.totals[user_id] = self.totals.get(user_id, 0) + delta

    async def add(self, analysis: Analysis, card: HistoryCard | None) -> None:
        if analysis.id in self.rows:
            raise ValueError(f"analysis {analysis.id} exists")
        self._keep_card(analysis, card)
        self.rows[analysis.id] = analysis
        if analysis.status is _COMPLETED:
            self._count(analysis.user_id, 1)

    async def get(self, analysis_id: UUID, user_id: UUID | None = None) -> Analysis | None:
        found = self.rows.get(analysis_id)
        if found is None or (user_id is not None and found.user_id != user_id):
            return None
        return found

    async def claim(
        self, analysis_id: UUID, now: datetime, lease_until: datetime
    ) -> Analysis | None:
        found = self.rows.get(analysis_id)
        if found is None or not found.can_be_claimed(now):
            return None
        claimed = replace(found.claimed(now, lease_until - now), lease_until=lease_until)
        self.rows[analysis_id] = claimed
        return claimed

    def _holds(self, analysis_id: UUID, attempt: int) -> Analysis | None:
        found = self.rows.get(analysis_id)
        if (
            found is None
            or found.status is not AnalysisStatus.PROCESSING
            or found.attempts != attempt
        ):
            return None
        return found

    async def renew(self, analysis_id: UUID, attempt: int, lease_until: datetime) -> bool:
        found = self._holds(analysis_id, attempt)
        if found is None:
            return False
        self.rows[analysis_id] = replace(found, lease_until=lease_until)
        return True

    async def release(self, analysis_id: UUID, attempt: int) -> bool:
        found = self._holds(analysis_id, attempt)
        if found is None:
            return False
        self.rows[analysis_id] = found.released()
        return True

    async def complete(self, analysis: Analysis, attempt: int, card: HistoryCard) -> bool:
        if self._holds(analysis.id, attempt) is None:
            return False
        self._keep_card(analysis, card)
        self.rows[analysis.id] = analysis
        self._count(analysis.user_id, 1)
        return True

    async def fail(self, analysis: Analysis, attempt: int | None) -> bool:
        found = self.rows.get(analysis.id)
        if found is None or found.status.is_final:
            return False
        if attempt is not None and self._holds(analysis.id, attempt) is None:
            return False
        self.rows[analysis.id] = analysis
        return True

    async def correct(self, updated: Analysis, card: HistoryCard) -> bool:
        found = await self.get(updated.id, updated.user_id)
        if found is None or found.status is not _COMPLETED:
            return False
        self._keep_card(updated, card)
        self.rows[updated.id] = replace(
            found,
            foods=updated.foods,
            nutrition=updated.nutrition,
            corrected=updated.corrected,
            models=updated.models,
            review=updated.review,
            suggestions=updated.suggestions,
        )
        return True

    async def delete(self, user_id: UUID, analysis_id: UUID) -> Analysis | None:
        found = await self.get(analysis_id, user_id)
        if found is None:
            return None
        del self.rows[analysis_id]
        self.cards.pop(analysis_id, None)
        if found.status is _COMPLETED:
            self._count(user_id, -1)
        return found

    async def history(self, query: HistoryQuery) -> HistoryPage:
        f = query.filters
        rows = [
            a for a in self.rows.values() if a.user_id == query.user_id and a.status is _COMPLETED
        ]
        if f.food_key is not None:
            rows = [a for a in rows if f.food_key in food_keys(i.food for i in a.foods)]
        if f.min_calories is not None:
            rows = [a for a in rows if a.calories is not None and a.calories >= f.min_calories]
        if f.max_calories is not None:
            rows = [a for a in rows if a.calories is not None and a.calories <= f.max_calories]
        if f.created_from is not None:
            rows = [a for a in rows if a.created_at >= f.created_from]
        if f.created_before is not None:
            rows = [a for a in rows if a.created_at < f.created_before]
        # Tie-break newest first, then by id, like the SQL adapters.
        rows.sort(key=lambda a: (a.created_at, a.id.bytes), reverse=True)
        if query.sort is not HistorySort.CREATED_AT:
            field = query.sort.value
            present = [a for a in rows if getattr(a, field) is not None]
            missing = [a for a in rows if getattr(a, field) is None]
            present.sort(key=lambda a: getattr(a, field), reverse=query.descending)
            rows = present + missing  # nulls last, either direction
        elif not query.descending:
            rows.reverse()
        total = len(rows) if f.any else self.totals.get(query.user_id, 0)
        return HistoryPage(rows[query.offset : query.offset + query.per_page], total)

    async def recent_foods(self, user_id: UUID, limit: int) -> list[tuple[FoodItem, ...]]:
        mine = [a for a in self.rows.values() if a.user_id == user_id and a.status is _COMPLETED]
        mine.sort(key=lambda a: (a.created_at, a.id.bytes), reverse=True)
        return [a.foods for a in mine[:limit]]

    async def image_ref(self, analysis_id: UUID, user_id: UUID, completed_only: bool) -> str | None:
        found = await self.get(analysis_id, user_id)
        if found is None or (completed_only and found.status is not _COMPLETED):
            return None
        return found.image_ref

    async def page(self, query: HistoryQuery) -> HistoryCards:
        found = await self.history(query)
        return HistoryCards([self.cards[a.id] for a in found.items], found.total)

    async def unfinished(self, now: datetime, pending_before: datetime, limit: int) -> list[UUID]:
        out = [
            a.id
            for a in self.rows.values()
            if (
                a.status is AnalysisStatus.PROCESSING
                and a.lease_until is not None
                and a.lease_until <= now
            )
            or (a.status is AnalysisStatus.PENDING and a.created_at < pending_before)
        ]
        return out[:limit]


class MemoryAnalysisQuota:
    def __init__(self) -> None:
        self.used_by: dict[tuple[UUID, str], int] = {}

    async def consume(self, user_id: UUID, window: QuotaWindow, limit: int) -> tuple[bool, int]:
        key = (user_id, window.key)
        used = self.used_by.get(key, 0)
        if used >= limit:
            return False, used
        self.used_by[key] = used + 1
        return True, used + 1

    async def refund(self, user_id: UUID, window: QuotaWindow) -> None:
        key = (user_id, window.key)
        self.used_by[key] = max(0, self.used_by.get(key, 0) - 1)

    async def used(self, user_id: UUID, window: QuotaWindow) -> int:
        return self.used_by.get((user_id, window.key), 0)


class RecordingAnalysisQueue:
    """Keeps what was enqueued; `drain` hands each job to a handler (a test's worker)."""

    def __init__(self) -> None:
        self.jobs: list[UUID] = []

    async def enqueue(self, analysis_id: UUID) -> bool:
        self.jobs.append(analysis_id)
        return True

    async def drain(self, handler: JobHandler) -> int:
        done = 0
        while self.jobs:
            await handler(self.jobs.pop(0))
            done += 1
        return done
