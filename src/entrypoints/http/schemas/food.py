"""Request and response bodies of the food analysis endpoints.

An analysis is answered as the application's view of it (`AnalysisOut` and its parts,
`application.food.history_view`): the same structs render the history's stored cards, so
the list and the single-entry endpoints cannot answer differently."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from application.food.history_view import (
    AnalysisOut,
    DetectedFoodOut,
    FoodMatchOut,
    MealNutritionOut,
    ModelsOut,
    ReviewOut,
    SuggestionOut,
)
from domain.food.analysis import Analysis
from entrypoints.http.envelopes import iso
from entrypoints.http.schemas.base import Input, Output

FoodName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Grams = Annotated[float, msgspec.Meta(gt=0, le=5000)]

__all__ = [
    "AnalysisOut",
    "CorrectedFoodIn",
    "CorrectionIn",
    "DetectedFoodOut",
    "FoodMatchOut",
    "ManualEntryIn",
    "MealNutritionOut",
    "ModelsOut",
    "ReviewOut",
    "SuggestionOut",
    "UploadAcceptedOut",
]


class UploadAcceptedOut(Output):
    id: str
    status: str
    created_at: datetime

    @classmethod
    def of(cls, a: Analysis) -> UploadAcceptedOut:
        return cls(id=str(a.id), status=a.status.value, created_at=iso(a.created_at))


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
