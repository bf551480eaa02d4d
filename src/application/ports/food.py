"""Ports of the food analysis: where analyses live, how jobs travel, the daily quota."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.food.analysis import Analysis, FoodItem
from domain.food.history import HistoryPage, HistoryQuery
from domain.food.quota import QuotaWindow

# A completed entry's card: its answer as JSON text (`application.food.history_view`),
# rendered by the use case that writes the entry and kept by the store as it is given.
HistoryCard = str


@dataclass(frozen=True, slots=True)
class HistoryCards:
    """A page of the history as the entries' cards (newest first unless asked otherwise)
    and the total of entries the query matches."""

    cards: Sequence[HistoryCard]
    total: int


class FoodHistoryView(Protocol):
    """The read side of the history list: pages of stored cards. Every completed entry
    has one (written with it); a page is read as stored, nothing is decoded or built."""

    async def page(self, query: HistoryQuery) -> HistoryCards:
        """The same entries, order and total as `AnalysisRepository.history`."""
        ...


class AnalysisRepository(Protocol):
    """Analyses and manual entries (the food history).

    The history's total is kept per user next to the rows and changed in the same
    transaction as the rows it counts (completed entries), so a page never counts.
    State changes are conditional: each names the attempt that holds the lease, and
    does nothing (returns False/None) when another attempt or a final state won.
    """

    async def add(self, analysis: Analysis, card: HistoryCard | None) -> None:
        """Store a new analysis; a completed one (a manual entry) with its card."""
        ...

    async def get(self, analysis_id: UUID, user_id: UUID | None = None) -> Analysis | None:
        """The analysis; with `user_id`, only if it belongs to that user."""
        ...

    async def claim(
        self, analysis_id: UUID, now: datetime, lease_until: datetime
    ) -> Analysis | None:
        """Take a pending analysis, or a processing one whose lease ran out, for one more
        attempt; None when it is final, leased by a live worker, or gone."""
        ...

    async def renew(self, analysis_id: UUID, attempt: int, lease_until: datetime) -> bool: ...

    async def release(self, analysis_id: UUID, attempt: int) -> bool:
        """Back to pending after a transient failure of `attempt`."""
        ...

    async def complete(self, analysis: Analysis, attempt: int, card: HistoryCard) -> bool:
        """Store a completed analysis and its card if `attempt` still holds it (counts it
        in history)."""
        ...

    async def fail(self, analysis: Analysis, attempt: int | None) -> bool:
        """Store a failed analysis if `attempt` (None: any non-final state) holds it."""
        ...

    async def correct(self, updated: Analysis, card: HistoryCard) -> bool:
        """Replace a completed entry's foods, nutrition, models and review with
        `updated`'s (`Analysis.corrected_with`), and its card; False if the entry is gone,
        not completed, or not `updated.user_id`'s."""
        ...

    async def delete(self, user_id: UUID, analysis_id: UUID) -> Analysis | None:
        """Remove the user's entry (uncounting it if completed); the removed one or None."""
        ...

    async def history(self, query: HistoryQuery) -> HistoryPage: ...

    async def recent_foods(self, user_id: UUID, limit: int) -> list[tuple[FoodItem, ...]]:
        """The foods of the user's latest `limit` completed entries, newest first (as
        corrected, where corrected): what their own frequent foods are drawn from."""
        ...

    async def image_ref(self, analysis_id: UUID, user_id: UUID, completed_only: bool) -> str | None:
        """The image key of the user's analysis (only a completed one with
        `completed_only`); None when it has none, is not theirs, or is gone."""
        ...

    async def unfinished(self, now: datetime, pending_before: datetime, limit: int) -> list[UUID]:
        """Analyses a sweeper should re-queue: processing with an expired lease, or
        pending since before `pending_before` (their job was lost)."""
        ...


class AnalysisQueue(Protocol):
    async def enqueue(self, analysis_id: UUID) -> bool:
        """Have the analysis' job run; False when a job for it is still waiting (a queue
        may fold such duplicates: the job is idempotent either way)."""
        ...


JobHandler = Callable[[UUID], Awaitable[None]]


class AnalysisQuota(Protocol):
    """Counts photo analyses per user and UTC day, atomically under concurrency."""

    async def consume(self, user_id: UUID, window: QuotaWindow, limit: int) -> tuple[bool, int]:
        """Take one unit if fewer than `limit` are used: (taken, used after the call)."""
        ...

    async def refund(self, user_id: UUID, window: QuotaWindow) -> None:
        """Give back a unit taken for an upload that was then refused."""
        ...

    async def used(self, user_id: UUID, window: QuotaWindow) -> int: ...
