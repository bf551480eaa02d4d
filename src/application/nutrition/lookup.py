"""Look up the nutrition of a named food, and search the catalogue."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from application.ports.nutrition import FoodCatalog
from application.ports.reads import PRIMARY_READS, ReadRouting
from domain.errors import ValidationFailed
from domain.nutrition.food import DataType, Portion
from domain.nutrition.matching import (
    FoodMatch,
    PortionChoice,
    PortionSource,
    default_portion,
    rank,
    searchable,
)
from domain.nutrition.nutrients import Nutrients
from domain.nutrition.text import food_query, normalize, tokens

# Candidates come shortest-first within each data set; USDA's usual food can have a long
# description ("Cereals, oats, regular and quick and instant, unenriched, cooked with
# water (includes boiling and microwave), without salt"), so hundreds are ranked.
CANDIDATE_LIMIT = 400
MIN_CONFIDENCE = 0.15
PORTION_NEIGHBOURS = 40
MAX_PORTION_GRAMS = 5000.0


@dataclass(frozen=True, slots=True)
class NutritionLookup:
    """What a named food most likely is, how much of it, and its nutrients for that amount."""

    food_id: int
    fdc_id: int | None
    food_name: str
    data_type: DataType
    portion_grams: float
    portion_name: str | None
    portion_source: PortionSource
    nutrients: Nutrients
    per_100g: Nutrients
    match_confidence: float
    source: str = "usda_offline"
    # The matched food's named household measures (for volume/count conversions).
    portions: tuple[Portion, ...] = ()


async def ranked_matches(
    catalog: FoodCatalog, query: str, *, include_branded: bool, limit: int = CANDIDATE_LIMIT
) -> list[FoodMatch]:
    """Every food the catalogue holds for ``query``, best first.

    Asks for foods holding every word first; only if there is none, for any word.
    """
    query = food_query(query)
    search = searchable(query)
    found = await catalog.candidates(
        search, match_all=True, limit=limit, include_branded=include_branded
    )
    if not found and len(tokens(search)) > 1:
        found = await catalog.candidates(
            search, match_all=False, limit=limit, include_branded=include_branded
        )
    return rank(query, found)


MEMO_SIZE = 4096
MEMO_TTL_S = 600.0
# A burst of the same unknown name costs one search a second, and an import is seen
# within a second.
MISS_TTL_S = 1.0


class LookupNutrition:
    """``lookup(food_name, grams)``: the food pipeline's and recipes' way to get nutrition.

    The best match per normalised name is remembered for ``memo_ttl_s`` (meals repeat the
    same few foods); a re-import shows up once the entry expires. A miss (nothing matched
    well enough) is remembered for ``miss_ttl_s`` only: a food imported while the process
    runs is found at the next lookup after that, never "unpriced until restart".
    """

    def __init__(
        self,
        catalog: FoodCatalog,
        *,
        include_branded: bool = False,
        min_confidence: float = MIN_CONFIDENCE,
        memo_size: int = MEMO_SIZE,
        memo_ttl_s: float = MEMO_TTL_S,
        miss_ttl_s: float = MISS_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._catalog = catalog
        self._include_branded = include_branded
        self._min_confidence = min_confidence
        self._memo: OrderedDict[str, tuple[float, FoodMatch | None, tuple[FoodMatch, ...]]] = (
            OrderedDict()
        )
        self._memo_size = memo_size
        self._memo_ttl_s = memo_ttl_s
        self._miss_ttl_s = miss_ttl_s
        self._monotonic = monotonic

    async def _best(self, food_name: str) -> tuple[FoodMatch | None, tuple[FoodMatch, ...]]:
        key = normalize(food_query(food_name))
        now = self._monotonic()
        hit = self._memo.get(key)
        if hit is not None and hit[0] > now:
            self._memo.move_to_end(key)
            return hit[1], hit[2]
        ranked = await ranked_matches(
            self._catalog, food_name, include_branded=self._include_branded
        )
        best = ranked[0] if ranked and ranked[0].confidence >= self._min_confidence else None
        # Keep only what the default portion can draw on: the best few.
        kept = tuple(ranked[:PORTION_NEIGHBOURS])
        ttl = self._memo_ttl_s if best is not None else self._miss_ttl_s
        if self._memo_size > 0 and ttl > 0:
            self._memo[key] = (now + ttl, best, kept)
            self._memo.move_to_end(key)
            while len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return best, kept

    async def __call__(self, food_name: str, grams: float | None = None) -> NutritionLookup | None:
        """The best match for ``food_name`` scaled to ``grams`` (or a USDA default portion);
        ``None`` when nothing in the catalogue matches well enough."""
        if grams is not None and not 0 < grams <= MAX_PORTION_GRAMS:
            raise ValidationFailed.single("grams", f"must be > 0 and <= {MAX_PORTION_GRAMS:g}")
        if not tokens(food_name):
            return None
        best, ranked = await self._best(food_name)
        if best is None:
            return None
        return _lookup_from(best, ranked, grams)

    async def suggestions(self, food_name: str, limit: int = 5) -> list[FoodMatch]:
        """The closest catalogue foods for a name, best first, whatever their confidence
        (what to offer when ``food_name`` itself was not recognised)."""
        if not tokens(food_name):
            return []
        _, ranked = await self._best(food_name)
        return list(ranked[:limit])

    async def many(self, items: Sequence[tuple[str, float | None]]) -> list[NutritionLookup | None]:
        return [await self(name, grams) for name, grams in items]


def _lookup_from(
    best: FoodMatch, ranked: Sequence[FoodMatch], grams: float | None
) -> NutritionLookup:
    food = best.food
    if grams is None:
        choice = default_portion(food, ranked)
        portion_grams, portion_name, source = choice.grams, choice.name, choice.source
    else:
        portion_grams, portion_name, source = grams, None, PortionSource.GIVEN
    return NutritionLookup(
        food_id=food.id,
        fdc_id=food.fdc_id,
        food_name=food.name,
        data_type=food.data_type,
        portion_grams=portion_grams,
        portion_name=portion_name,
        portion_source=source,
        nutrients=food.per_100g.for_portion(portion_grams).rounded(),
        per_100g=food.per_100g,
        match_confidence=best.confidence,
        source=food.source,
        portions=food.portions,
    )


@dataclass(frozen=True, slots=True)
class FoodSearchPage:
    items: list[FoodMatch]
    total: int
    page: int
    per_page: int
    # Each item's default portion (one typical unit or serving), in the same order.
    defaults: list[PortionChoice] = field(default_factory=list)


MAX_SEARCH_RESULTS = 500


class SearchFoods:
    """``GET /nutrition/foods?q=``: the catalogue's foods for a query, best first, paged.

    ``total`` counts the matches ranked (at most ``MAX_SEARCH_RESULTS``)."""

    def __init__(
        self,
        catalog: FoodCatalog,
        *,
        include_branded: bool = True,
        reads: ReadRouting = PRIMARY_READS,
    ) -> None:
        self._catalog = catalog
        self._include_branded = include_branded
        self._reads = reads

    async def __call__(self, query: str, *, page: int = 1, per_page: int = 20) -> FoodSearchPage:
        if not tokens(query):
            raise ValidationFailed.single("q", "must name a food (letters or digits)")
        if page < 1:
            raise ValidationFailed.single("page", "must be >= 1")
        if not 1 <= per_page <= 100:
            raise ValidationFailed.single("per_page", "must be between 1 and 100")
        ranked = await self._reads.read(
            None,
            partial(
                ranked_matches,
                self._catalog,
                query,
                include_branded=self._include_branded,
                limit=MAX_SEARCH_RESULTS,
            ),
        )
        start = (page - 1) * per_page
        items = ranked[start : start + per_page]
        neighbours = ranked[:PORTION_NEIGHBOURS]
        return FoodSearchPage(
            items, len(ranked), page, per_page, [default_portion(m.food, neighbours) for m in items]
        )
