"""Rows of `food_history` <-> `Analysis`, without ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from domain.food.analysis import (
    Analysis,
    AnalysisStatus,
    EntrySource,
    FoodItem,
    ModelsUsed,
    Review,
    Suggestion,
    SuggestionSource,
    UsdaMatch,
)
from domain.food.vision import BoundingBox
from domain.nutrition.nutrients import Nutrients


def match_to_json(m: UsdaMatch | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "name": m.name,
        "fdc_id": m.fdc_id,
        "data_type": m.data_type,
        "confidence": m.confidence,
    }


def match_from_json(d: Mapping[str, Any] | None) -> UsdaMatch | None:
    if not d:
        return None
    return UsdaMatch(d["name"], d.get("fdc_id"), d.get("data_type") or "", d["confidence"])


def foods_to_json(foods: tuple[FoodItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "food": f.food,
            "confidence": f.confidence,
            "bbox": f.bbox.as_list(2) if f.bbox is not None else None,
            "quantity": f.quantity,
            "portion_grams": f.portion_grams,
            "fdc_id": f.fdc_id,
            "match": match_to_json(f.match),
        }
        for f in foods
    ]


def foods_from_json(raw: list[dict[str, Any]] | None) -> tuple[FoodItem, ...]:
    out = []
    for d in raw or ():
        box = d.get("bbox")
        out.append(
            FoodItem(
                food=d["food"],
                confidence=d["confidence"],
                bbox=BoundingBox(*box) if box else None,
                quantity=d.get("quantity", 1),
                portion_grams=d.get("portion_grams"),
                fdc_id=d.get("fdc_id"),
                match=match_from_json(d.get("match")),
            )
        )
    return tuple(out)


def review_to_json(
    review: Review | None, suggestions: tuple[Suggestion, ...]
) -> dict[str, Any] | None:
    if review is None and not suggestions:
        return None
    return {
        "needed": review.needed if review is not None else False,
        "reasons": list(review.reasons) if review is not None else [],
        "suggestions": [
            {
                "food": s.food,
                "portion_grams": s.portion_grams,
                "fdc_id": s.fdc_id,
                "source": s.source.value,
            }
            for s in suggestions
        ],
    }


def review_from_json(d: Mapping[str, Any] | None) -> tuple[Review | None, tuple[Suggestion, ...]]:
    if d is None:
        return None, ()
    suggestions = tuple(
        Suggestion(
            s["food"], s.get("portion_grams"), s.get("fdc_id"), SuggestionSource(s["source"])
        )
        for s in d.get("suggestions") or ()
    )
    return Review(bool(d.get("needed")), tuple(d.get("reasons") or ())), suggestions


def nutrients_to_json(n: Nutrients | None) -> dict[str, Any] | None:
    if n is None:
        return None
    return {
        "calories": n.calories,
        "protein_g": n.protein_g,
        "carbs_g": n.carbs_g,
        "fat_g": n.fat_g,
        "fiber_g": n.fiber_g,
        "sugar_g": n.sugar_g,
        "vitamins": dict(n.vitamins),
        "minerals": dict(n.minerals),
        "lipids": dict(n.lipids),
    }


def nutrients_from_json(d: Mapping[str, Any] | None) -> Nutrients | None:
    if d is None:
        return None
    return Nutrients(
        calories=d.get("calories"),
        protein_g=d.get("protein_g"),
        carbs_g=d.get("carbs_g"),
        fat_g=d.get("fat_g"),
        fiber_g=d.get("fiber_g"),
        sugar_g=d.get("sugar_g"),
        vitamins=d.get("vitamins") or {},
        minerals=d.get("minerals") or {},
        lipids=d.get("lipids") or {},
    )


def models_to_json(m: ModelsUsed | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "detector": m.detector,
        "describer": m.describer,
        "nutrition_source": m.nutrition_source,
        "fusion": m.fusion,
    }


def models_from_json(d: Mapping[str, Any] | None) -> ModelsUsed | None:
    if d is None:
        return None
    return ModelsUsed(
        d.get("detector"), d.get("describer"), d.get("nutrition_source"), d.get("fusion")
    )


def to_row(a: Analysis) -> dict[str, Any]:
    return {
        "id": a.id,
        "user_id": a.user_id,
        "source": a.source.value,
        "status": a.status.value,
        "created_at": a.created_at,
        "completed_at": a.completed_at,
        "eaten_at": a.eaten_at,
        "image_ref": a.image_ref,
        "detected_foods": foods_to_json(a.foods),
        "food_names": a.food_names,
        "description": a.description,
        "nutrition": nutrients_to_json(a.nutrition),
        "calories": a.calories,
        "confidence_score": a.confidence_score,
        "analysis_duration_ms": a.analysis_duration_ms,
        "models": models_to_json(a.models),
        "error": a.error,
        "corrected": a.corrected,
        "review": review_to_json(a.review, a.suggestions),
        "attempts": a.attempts,
        "started_at": a.started_at,
        "lease_until": a.lease_until,
    }


_json = msgspec.json.Decoder()


def json_text(value: str | bytes | None) -> Any:
    """JSON columns selected as text (`CAST(col AS TEXT)`) and decoded here: faster than
    the driver's `json.loads`, and the same on Postgres and SQLite."""
    return None if value is None else _json.decode(value)


def from_history_row(r: Any, user_id: Any) -> Analysis:
    """A completed entry from the history page's lean column set (JSON still as text)."""
    review, suggestions = review_from_json(json_text(r.review))
    return Analysis(
        id=r.id,
        user_id=user_id,
        source=EntrySource(r.source),
        status=AnalysisStatus.COMPLETED,
        created_at=r.created_at,
        completed_at=r.completed_at,
        eaten_at=r.eaten_at,
        foods=foods_from_json(json_text(r.detected_foods)),
        description=r.description,
        nutrition=nutrients_from_json(json_text(r.nutrition)),
        confidence_score=r.confidence_score,
        analysis_duration_ms=r.analysis_duration_ms,
        models=models_from_json(json_text(r.models)),
        corrected=r.corrected,
        review=review,
        suggestions=suggestions,
        image_ref=r.image_ref,
        attempts=r.attempts,
        started_at=r.started_at,
    )


def from_row(r: Any) -> Analysis:
    review, suggestions = review_from_json(r.review)
    return Analysis(
        id=r.id,
        user_id=r.user_id,
        source=EntrySource(r.source),
        status=AnalysisStatus(r.status),
        created_at=r.created_at,
        completed_at=r.completed_at,
        eaten_at=r.eaten_at,
        image_ref=r.image_ref,
        foods=foods_from_json(r.detected_foods),
        description=r.description,
        nutrition=nutrients_from_json(r.nutrition),
        confidence_score=r.confidence_score,
        analysis_duration_ms=r.analysis_duration_ms,
        models=models_from_json(r.models),
        error=r.error,
        corrected=r.corrected,
        attempts=r.attempts,
        started_at=r.started_at,
        lease_until=r.lease_until,
        review=review,
        suggestions=suggestions,
    )
