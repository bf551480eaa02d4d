"""Request and response bodies of the food analysis endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.food.analysis import Analysis, FoodItem, ModelsUsed
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


class DetectedFoodOut(Output):
    food: str
    confidence: float
    bbox: list[float] | None
    quantity: int
    portion_grams: float | None
    fdc_id: int | None

    @classmethod
    def of(cls, f: FoodItem) -> DetectedFoodOut:
        return cls(food=f.food, confidence=round(f.confidence, 4),
                   bbox=f.bbox.as_list() if f.bbox is not None else None, quantity=f.quantity,
                   portion_grams=f.portion_grams, fdc_id=f.fdc_id)


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
        return cls(calories=n.calories, protein_g=n.protein_g, carbs_g=n.carbs_g,
                   fat_g=n.fat_g, fiber_g=n.fiber_g, sugar_g=n.sugar_g,
                   vitamins=dict(n.vitamins), minerals=dict(n.minerals))


class ModelsOut(Output):
    detector: str | None
    describer: str | None
    nutrition_source: str | None

    @classmethod
    def of(cls, m: ModelsUsed | None) -> ModelsOut:
        m = m or ModelsUsed()
        return cls(detector=m.detector, describer=m.describer,
                   nutrition_source=m.nutrition_source)


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

    @classmethod
    def of(cls, a: Analysis) -> AnalysisOut:
        return cls(id=str(a.id), status=a.status.value, source=a.source.value,
                   created_at=iso(a.created_at), completed_at=iso(a.completed_at),
                   eaten_at=iso(a.eaten_at),
                   detected_foods=[DetectedFoodOut.of(f) for f in a.foods],
                   description=a.description,
                   nutrition=MealNutritionOut.of(a.nutrition) if a.nutrition else None,
                   confidence_score=a.confidence_score,
                   analysis_duration_ms=a.analysis_duration_ms, models=ModelsOut.of(a.models),
                   corrected=a.corrected, error=a.error)


class CorrectedFoodIn(Input):
    food: FoodName
    portion_grams: Grams


class CorrectionIn(Input):
    detected_foods: Annotated[list[CorrectedFoodIn], msgspec.Meta(min_length=1, max_length=30)]


class ManualEntryIn(Input):
    food: FoodName
    grams: Grams
    eaten_at: datetime | None = None
