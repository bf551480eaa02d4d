"""The food history's read model: an entry as every food endpoint shows it, and its
card, the same answer as JSON text.

The use cases that write a completed entry render its card here and hand it to the store
with the entry; the store keeps it as opaque text, and a history page is those texts
(`FoodHistoryView`), answered as they are. So the answer's shape is known here alone:
the HTTP layer answers with these structs (they keep the names the API documents them
under) and the stores never decode a card.

A change to what a card shows needs a migration that renders the stored cards again
(as `0015_history_cards` did for entries written before cards).
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from domain.food.analysis import Analysis, FoodItem, ModelsUsed, Review, Suggestion, UsdaMatch
from domain.food.vision import BoundingBox
from domain.nutrition.nutrients import Nutrients

IMAGE_PATH = "/api/v1/food/analysis/{}/image"
# Boxes are kept to 2 decimals and shown to 1: a card rounds via 2 decimals, so an entry
# shows the same before and after it is stored.
STORED_BOX_DIGITS = 2


def utc_second(dt: datetime | None) -> datetime | None:
    """Timestamps are shown in UTC, to the second (as every API timestamp)."""
    if dt is None or (dt.tzinfo is UTC and not dt.microsecond):
        return dt
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0)


def image_url(analysis_id: object, image_ref: str | None) -> str | None:
    """Where the owner fetches the photo (`?size=thumb|full`, full by default)."""
    return None if image_ref is None else IMAGE_PATH.format(analysis_id)


def shown_box(box: BoundingBox | None) -> list[float] | None:
    if box is None:
        return None
    return [round(v, 1) for v in box.as_list(STORED_BOX_DIGITS)]


class FoodMatchOut(msgspec.Struct, kw_only=True, frozen=True):
    """The USDA food a named food's nutrition came from."""

    name: str
    fdc_id: int | None
    data_type: str
    confidence: float

    @classmethod
    def of(cls, m: UsdaMatch | None) -> FoodMatchOut | None:
        if m is None:
            return None
        return cls(
            name=m.name, fdc_id=m.fdc_id, data_type=m.data_type, confidence=round(m.confidence, 4)
        )


class DetectedFoodOut(msgspec.Struct, kw_only=True, frozen=True):
    food: str
    confidence: float
    bbox: list[float] | None
    quantity: int
    portion_grams: float | None
    fdc_id: int | None
    match: FoodMatchOut | None

    @classmethod
    def of(cls, f: FoodItem) -> DetectedFoodOut:
        return cls(
            food=f.food,
            confidence=round(f.confidence, 4),
            bbox=shown_box(f.bbox),
            quantity=f.quantity,
            portion_grams=f.portion_grams,
            fdc_id=f.fdc_id,
            match=FoodMatchOut.of(f.match),
        )


class ReviewOut(msgspec.Struct, kw_only=True, frozen=True):
    """Whether a person should look at the result, and why (sentences to show)."""

    needed: bool
    reasons: list[str]

    @classmethod
    def of(cls, r: Review | None) -> ReviewOut | None:
        return None if r is None else cls(needed=r.needed, reasons=list(r.reasons))


class SuggestionOut(msgspec.Struct, kw_only=True, frozen=True):
    """A food to confirm in one tap (`source`: detector, describer or history)."""

    food: str
    portion_grams: float | None
    fdc_id: int | None
    source: str

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionOut:
        return cls(
            food=s.food, portion_grams=s.portion_grams, fdc_id=s.fdc_id, source=s.source.value
        )


class MealNutritionOut(msgspec.Struct, kw_only=True, frozen=True):
    """The meal's totals. Calories in kcal, macros in grams; vitamins and minerals carry
    their unit in their key (`vitamin_c_mg`). `null`: not measured for any of the foods."""

    calories: float | None
    protein_g: float | None
    carbs_g: float | None
    fat_g: float | None
    fiber_g: float | None
    sugar_g: float | None
    vitamins: dict[str, float]
    minerals: dict[str, float]

    @classmethod
    def of(cls, n: Nutrients) -> MealNutritionOut:
        return cls(
            calories=n.calories,
            protein_g=n.protein_g,
            carbs_g=n.carbs_g,
            fat_g=n.fat_g,
            fiber_g=n.fiber_g,
            sugar_g=n.sugar_g,
            vitamins=dict(n.vitamins),
            minerals=dict(n.minerals),
        )


class ModelsOut(msgspec.Struct, kw_only=True, frozen=True):
    detector: str | None
    describer: str | None
    nutrition_source: str | None
    fusion: str | None  # how the detector's and the describer's answers were combined

    @classmethod
    def of(cls, m: ModelsUsed | None) -> ModelsOut:
        m = m or ModelsUsed()
        return cls(
            detector=m.detector,
            describer=m.describer,
            nutrition_source=m.nutrition_source,
            fusion=m.fusion,
        )


class AnalysisOut(msgspec.Struct, kw_only=True, frozen=True):
    """An analysis or history entry as shown; a completed one's card is this, encoded."""

    id: str
    status: str
    source: str
    created_at: datetime
    completed_at: datetime | None
    eaten_at: datetime | None
    detected_foods: list[DetectedFoodOut]
    description: str | None
    nutrition: MealNutritionOut | None
    confidence_score: float | None
    analysis_duration_ms: int | None
    models: ModelsOut
    corrected: bool
    error: str | None
    image_url: str | None
    review: ReviewOut | None
    suggestions: list[SuggestionOut]

    @classmethod
    def of(cls, a: Analysis) -> AnalysisOut:
        return cls(
            id=str(a.id),
            status=a.status.value,
            source=a.source.value,
            created_at=utc_second(a.created_at),  # type: ignore[arg-type]
            completed_at=utc_second(a.completed_at),
            eaten_at=utc_second(a.eaten_at),
            detected_foods=[DetectedFoodOut.of(f) for f in a.foods],
            description=a.description,
            nutrition=MealNutritionOut.of(a.nutrition) if a.nutrition else None,
            confidence_score=a.confidence_score,
            analysis_duration_ms=a.analysis_duration_ms,
            models=ModelsOut.of(a.models),
            corrected=a.corrected,
            error=a.error,
            image_url=image_url(a.id, a.image_ref),
            review=ReviewOut.of(a.review),
            suggestions=[SuggestionOut.of(x) for x in a.suggestions],
        )


_encode = msgspec.json.Encoder().encode


def history_card(entry: Analysis) -> str:
    """The entry's card: its `AnalysisOut` as JSON text, what a history page answers."""
    return _encode(AnalysisOut.of(entry)).decode()
