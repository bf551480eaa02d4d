"""Reading, waiting for, correcting and deleting analyses, and manual entries.

Another user's id is answered like a missing one (NotFound), everywhere.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from uuid import UUID, uuid4

from application.food.history_view import history_card
from application.food.pricing import FoodToPrice, price_foods
from application.nutrition.lookup import LookupNutrition, NutritionLookup
from application.ports.clock import Clock
from application.ports.food import AnalysisRepository, FoodHistoryView, HistoryCards
from application.ports.reads import PRIMARY_READS, ReadRouting
from application.ports.vision import ImageStore
from domain.errors import FoodNotRecognised, NotFound, ValidationFailed
from domain.food.analysis import Analysis, AnalysisStatus
from domain.food.history import HistoryQuery
from domain.nutrition.matching import PortionSource
from domain.nutrition.portions import find_portion

# Below this a typed food name is not taken as recognised: the entry is refused (422,
# with suggestions) rather than stored with a guess or with no nutrition at all.
MIN_ENTRY_CONFIDENCE = 0.4
MAX_QUANTITY = 100.0
MAX_ENTRY_GRAMS = 5000.0


async def recognised(lookup: LookupNutrition, food: str) -> NutritionLookup:
    """The catalogue food a person typed, or ``FoodNotRecognised`` with the closest ones."""
    found = await lookup(food)
    if found is not None and found.match_confidence >= MIN_ENTRY_CONFIDENCE:
        return found
    near = await lookup.suggestions(food)
    raise FoodNotRecognised(
        "no USDA food matches the name well enough",
        food=food,
        suggestions=[
            {
                "name": m.food.name,
                "fdc_id": m.food.fdc_id,
                "data_type": m.food.data_type.value,
                "confidence": min(1.0, m.confidence),
            }
            for m in near
        ],
    )


def entry_grams(
    found: NutritionLookup, grams: float | None, portion: str | None, quantity: float | None
) -> float:
    """How much was eaten: ``grams``; or a named portion of the food times ``quantity``;
    or, with neither, its default portion times ``quantity``. Grams and a portion
    together, or grams with a quantity, are ambiguous (400)."""
    if grams is not None and (portion is not None or quantity is not None):
        raise ValidationFailed.single("grams", "give grams, or a portion (and quantity), not both")
    if grams is not None:
        return grams
    times = 1.0 if quantity is None else quantity
    if not 0 < times <= MAX_QUANTITY:
        raise ValidationFailed.single("quantity", f"must be > 0 and <= {MAX_QUANTITY:g}")
    if portion is None:
        if found.portion_source is PortionSource.DEFAULT:
            raise ValidationFailed.single(
                "grams", f"USDA gives no portion for {found.food_name!r}: give grams"
            )
        unit = found.portion_grams
    else:
        chosen = find_portion(found.portions, portion)
        if chosen is None:
            valid = [p.name for p in found.portions if p.name is not None]
            raise ValidationFailed.single(
                "portion",
                f"not a portion of {found.food_name!r}; valid: "
                f"{', '.join(valid) if valid else 'none (give grams)'}",
            )
        unit = chosen.grams
    total = round(unit * times, 1)
    if not 0 < total <= MAX_ENTRY_GRAMS:
        raise ValidationFailed.single(
            "quantity", f"amounts to {total:g} g; at most {MAX_ENTRY_GRAMS:g} g per entry"
        )
    return total


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

    async def __call__(
        self,
        analysis_id: UUID,
        wait_s: float,
        first_poll_s: float = 0.005,
        max_poll_s: float = 0.025,
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
    """A page of the history for the list endpoint: the entries' stored cards, not domain
    objects (the page is only shown, and rebuilding 20 analyses per request cost more
    than the rest of the request)."""

    view: FoodHistoryView
    reads: ReadRouting = PRIMARY_READS

    async def __call__(self, query: HistoryQuery) -> HistoryCards:
        return await self.reads.read(query.user_id, partial(self.view.page, query))


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

    async def __call__(
        self, user_id: UUID, analysis_id: UUID, corrections: list[Correction]
    ) -> Analysis:
        current = await self.analyses.get(analysis_id, user_id)
        if current is None or current.status is not AnalysisStatus.COMPLETED:
            raise NotFound("no such history entry")
        for c in corrections:  # every corrected food must be one we can price
            await recognised(self.lookup, c.food.strip())
        priced = await price_foods(
            self.lookup,
            [FoodToPrice(c.food.strip(), 1.0, grams=c.portion_grams) for c in corrections],
        )
        updated = current.corrected_with(priced.foods, priced.nutrition, priced.source)
        if not await self.analyses.correct(updated, history_card(updated)):
            raise NotFound("no such history entry")
        return updated


@dataclass(slots=True)
class AddManualEntry:
    """`POST /food/entries`: a meal typed in, with nutrition looked up."""

    analyses: AnalysisRepository
    lookup: LookupNutrition
    clock: Clock

    async def __call__(
        self,
        user_id: UUID,
        food: str,
        grams: float | None,
        eaten_at: datetime | None,
        *,
        portion: str | None = None,
        quantity: float | None = None,
    ) -> Analysis:
        name = food.strip()
        found = await recognised(self.lookup, name)
        amount = entry_grams(found, grams, portion, quantity)
        count = (
            int(quantity)
            if quantity is not None and float(quantity).is_integer() and quantity >= 1
            else 1
        )
        priced = await price_foods(
            self.lookup, [FoodToPrice(name, 1.0, quantity=count, grams=amount)]
        )
        entry = Analysis.manual(
            uuid4(),
            user_id,
            priced.foods[0],
            priced.nutrition,
            self.clock.now(),
            eaten_at,
            priced.source,
        )
        await self.analyses.add(entry, history_card(entry))
        return entry
