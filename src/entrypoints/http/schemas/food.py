"""Request and response bodies of the food analysis endpoints."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

import msgspec

from application.ports.food import HistoryRecord
from domain.food.analysis import (
    Analysis,
    AnalysisStatus,
    FoodItem,
    ModelsUsed,
    Review,
    Suggestion,
    UsdaMatch,
)
from domain.nutrition.nutrients import Nutrients
from entrypoints.http.envelopes import iso
from entrypoints.http.schemas.base import Input, Output

FoodName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Grams = Annotated[float, msgspec.Meta(gt=0, le=5000)]


class UploadAcceptedOut(Output):
    id: str
    status: str
    created_at: datetime

    @classmethod
    def of(cls, a: Analysis) -> UploadAcceptedOut:
        return cls(id=str(a.id), status=a.status.value, created_at=iso(a.created_at))


class FoodMatchOut(Output):
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


class DetectedFoodOut(Output):
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
            bbox=f.bbox.as_list() if f.bbox is not None else None,
            quantity=f.quantity,
            portion_grams=f.portion_grams,
            fdc_id=f.fdc_id,
            match=FoodMatchOut.of(f.match),
        )


class ReviewOut(Output):
    """Whether a person should look at the result, and why (sentences to show)."""

    needed: bool
    reasons: list[str]

    @classmethod
    def of(cls, r: Review | None) -> ReviewOut | None:
        return None if r is None else cls(needed=r.needed, reasons=list(r.reasons))


class SuggestionOut(Output):
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


IMAGE_PATH = "/api/v1/food/analysis/{}/image"


def image_url(analysis_id: object, image_ref: str | None) -> str | None:
    """Where the owner fetches the photo (`?size=thumb|full`, full by default)."""
    return None if image_ref is None else IMAGE_PATH.format(analysis_id)


class MealNutritionOut(Output):
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


class ModelsOut(Output):
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


class AnalysisOut(Output):
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
            created_at=iso(a.created_at),
            completed_at=iso(a.completed_at),
            eaten_at=iso(a.eaten_at),
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

    @classmethod
    def of_record(cls, r: HistoryRecord) -> AnalysisOut | msgspec.Raw:
        """The same answer as `of(analysis)` for a stored history entry, without building
        the analysis: its card as stored (`HistoryCards`), or else its JSON documents
        decoded straight into these structs (they were validated by the domain when
        written, so they are not validated again)."""
        if r.card is not None:
            return msgspec.Raw(r.card)
        nutrition = _NUTRITION.decode(r.nutrition) if r.nutrition is not None else None
        if nutrition is not None and (nutrition.vitamins is None or nutrition.minerals is None):
            nutrition = msgspec.structs.replace(
                nutrition, vitamins=nutrition.vitamins or {}, minerals=nutrition.minerals or {}
            )
        models = _MODELS.decode(r.models) if r.models is not None else None
        review = _REVIEW.decode(r.review) if r.review is not None else None
        return cls(
            id=str(r.id),
            status=_COMPLETED,
            source=r.source,
            created_at=iso(r.created_at),
            completed_at=iso(r.completed_at),
            eaten_at=iso(r.eaten_at),
            detected_foods=_detected(r.detected_foods),
            description=r.description,
            nutrition=nutrition,
            confidence_score=r.confidence_score,
            analysis_duration_ms=r.analysis_duration_ms,
            models=models if models is not None else _NO_MODELS,
            corrected=r.corrected,
            error=None,
            image_url=image_url(r.id, r.image_ref),
            review=ReviewOut(needed=review.needed, reasons=review.reasons)
            if review is not None
            else None,
            suggestions=review.suggestions if review is not None else [],
        )


class HistoryCards:
    """`EntryCards` for the food store: an entry's card is its `AnalysisOut` JSON, as
    `GET /food/history` answers it. Its version is a digest of the answer's JSON Schema
    and of `REVISION`, to be raised whenever the rendering changes without the schema
    (a rounding, say): cards of another version are not served."""

    REVISION = 2  # 2: match, review, suggestions, image_url, models.fusion
    version = hashlib.sha256(
        msgspec.json.encode([REVISION, msgspec.json.schema(AnalysisOut)])
    ).hexdigest()[:16]
    _encode = msgspec.json.Encoder().encode

    def render(self, entry: Analysis) -> str:
        return self._encode(AnalysisOut.of(entry)).decode()


# -- the stored JSON documents of a `HistoryRecord`, decoded straight into answers --------
# Shapes as `adapters.sql.food_rows` writes them. Numbers stay `int | float` as stored, as
# they do through the domain (a stored `10` is answered `10`, `10.0` as `10.0`).

_Number = int | float
_COMPLETED = AnalysisStatus.COMPLETED.value


class _StoredMatch(msgspec.Struct):
    name: str
    confidence: _Number
    fdc_id: int | None = None
    data_type: str | None = None


class _StoredFood(msgspec.Struct):
    food: str
    confidence: _Number
    bbox: list[_Number] | None = None
    quantity: int = 1
    portion_grams: _Number | None = None
    fdc_id: int | None = None
    match: _StoredMatch | None = None


class _StoredSuggestion(SuggestionOut, kw_only=True, frozen=True):
    food: str
    portion_grams: _Number | None = None
    fdc_id: int | None = None
    source: str


class _StoredReview(msgspec.Struct):
    needed: bool = False
    reasons: list[str] = msgspec.field(default_factory=list)
    suggestions: list[_StoredSuggestion] = msgspec.field(default_factory=list)


class _StoredNutrition(MealNutritionOut, kw_only=True, frozen=True):
    """`MealNutritionOut` as stored: every field redefined (in the same order) with the
    defaults of a missing key; `lipids`, not part of the answer, is skipped."""

    calories: _Number | None = None
    protein_g: _Number | None = None
    carbs_g: _Number | None = None
    fat_g: _Number | None = None
    fiber_g: _Number | None = None
    sugar_g: _Number | None = None
    vitamins: dict[str, _Number] | None = None
    minerals: dict[str, _Number] | None = None


class _StoredModels(ModelsOut, kw_only=True, frozen=True):
    detector: str | None = None
    describer: str | None = None
    nutrition_source: str | None = None
    fusion: str | None = None


for _stored, _answer in (
    (_StoredNutrition, MealNutritionOut),
    (_StoredModels, ModelsOut),
    (_StoredSuggestion, SuggestionOut),
):
    if _stored.__struct_fields__ != _answer.__struct_fields__:  # they are encoded as answers
        raise TypeError(f"{_stored.__name__} must redefine {_answer.__name__}'s fields in order")

_FOODS = msgspec.json.Decoder(list[_StoredFood] | None)
_NUTRITION = msgspec.json.Decoder(_StoredNutrition | None)
_MODELS = msgspec.json.Decoder(_StoredModels | None)
_REVIEW = msgspec.json.Decoder(_StoredReview | None)
_NO_MODELS = ModelsOut(detector=None, describer=None, nutrition_source=None, fusion=None)


def _detected(stored: str | bytes | None) -> list[DetectedFoodOut]:
    """`DetectedFoodOut.of` of each stored food: the same rounding (the box is stored to
    2 decimals and answered to 1; its 4 corners are unpacked as `BoundingBox(*box)` does)."""
    out = []
    for f in (_FOODS.decode(stored) if stored is not None else None) or ():
        box = f.bbox
        out.append(
            DetectedFoodOut(
                food=f.food,
                confidence=round(f.confidence, 4),
                bbox=[round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1)]
                if box
                else None,
                quantity=f.quantity,
                portion_grams=f.portion_grams,
                fdc_id=f.fdc_id,
                match=_match(f.match),
            )
        )
    return out


def _match(m: _StoredMatch | None) -> FoodMatchOut | None:
    if m is None:
        return None
    return FoodMatchOut(
        name=m.name, fdc_id=m.fdc_id, data_type=m.data_type or "", confidence=round(m.confidence, 4)
    )


class CorrectedFoodIn(Input):
    food: FoodName
    portion_grams: Grams


class CorrectionIn(Input):
    detected_foods: Annotated[list[CorrectedFoodIn], msgspec.Meta(min_length=1, max_length=30)]


class ManualEntryIn(Input):
    """How much: ``grams``; or ``portion``, a name from the food's USDA ``portions``
    (``GET /nutrition/foods``), times ``quantity``; with neither, its default portion
    times ``quantity``."""

    food: FoodName
    grams: Grams | None = None
    portion: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    quantity: Annotated[float, msgspec.Meta(gt=0, le=100)] | None = None
    eaten_at: datetime | None = None
