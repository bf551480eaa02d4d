"""Ports of the food analysis: where analyses live, how jobs travel, the daily quota."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol
from uuid import UUID

from domain.food.analysis import Analysis, FoodItem
from domain.food.history import HistoryPage, HistoryQuery
from domain.food.quota import QuotaWindow
from domain.nutrition.nutrients import Nutrients


class HistoryRecord(NamedTuple):
    """One entry of a history page as stored, for the list endpoint's read path: no domain
    objects are built for it, and its JSON documents stay text until the caller decodes
    them straight into what it answers with.

    Timestamps are aware datetimes (in UTC from the SQL adapters). `detected_foods`,
    `nutrition` and `models` are the stored JSON documents (str or UTF-8 bytes; None or
    `null` when absent), in the shapes the adapters write them: `detected_foods` a list
    of `{food, confidence, bbox: [x1, y1, x2, y2] | null, quantity, portion_grams,
    fdc_id}` (bbox to 2 decimals, confidence unrounded), `nutrition` `{calories,
    protein_g, carbs_g, fat_g, fiber_g, sugar_g, vitamins, minerals, lipids}`, `models`
    `{detector, describer, nutrition_source, fusion}`, `review` `{needed, reasons,
    suggestions: [{food, portion_grams, fdc_id, source}]}`; each food may carry `match`
    `{name, fdc_id, data_type, confidence}`. The domain validated them when written.

    `card` is the entry's answer as the store keeps it pre-rendered (see `EntryCards`),
    when it holds one rendered the current way; the other fields may then be None.
    """

    id: UUID
    source: str
    created_at: datetime
    completed_at: datetime | None
    eaten_at: datetime | None
    detected_foods: str | bytes | None
    description: str | None
    nutrition: str | bytes | None
    confidence_score: float | None
    analysis_duration_ms: int | None
    models: str | bytes | None
    corrected: bool | None
    image_ref: str | None = None
    review: str | bytes | None = None
    card: str | None = None


class EntryCards(Protocol):
    """Renders a completed entry as the history list answers it (a JSON object), so a
    store can keep that answer next to the entry, written with it, and serve a page
    without building it again: a read model of the list endpoint.

    `version` names the rendering; a store answers only cards of the current version,
    so a change to the answer's shape or rounding just stops old cards being used.
    `render` is given the entry as the store will read it back."""

    version: str

    def render(self, entry: Analysis) -> str: ...


@dataclass(frozen=True, slots=True)
class HistoryRecords:
    """A history page as records (same entries, order and total as `history`)."""

    items: Sequence[HistoryRecord]
    total: int


class AnalysisRepository(Protocol):
    """Analyses and manual entries (the food history).

    The history's total is kept per user next to the rows and changed in the same
    transaction as the rows it counts (completed entries), so a page never counts.
    State changes are conditional: each names the attempt that holds the lease, and
    does nothing (returns False/None) when another attempt or a final state won.
    """

    async def add(self, analysis: Analysis) -> None: ...

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

    async def complete(self, analysis: Analysis, attempt: int) -> bool:
        """Store a completed analysis if `attempt` still holds it (counts it in history)."""
        ...

    async def fail(self, analysis: Analysis, attempt: int | None) -> bool:
        """Store a failed analysis if `attempt` (None: any non-final state) holds it."""
        ...

    async def correct(
        self,
        user_id: UUID,
        analysis_id: UUID,
        foods: tuple[FoodItem, ...],
        nutrition: Nutrients,
        nutrition_source: str | None,
    ) -> Analysis | None:
        """Replace a completed entry's foods and nutrition; None if not the user's."""
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

    async def history_records(self, query: HistoryQuery) -> HistoryRecords:
        """The same page as `history`, as stored records: the list endpoint's lean path."""
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
