"""Recipe ratings: one per person and recipe, 1 to 5 stars, with optional notes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.errors import FieldError, ValidationFailed

MAX_COMMENT = 2000
MAX_TAGS = 20
MAX_TAG = 32
MAX_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class Rating:
    user_id: uuid.UUID
    recipe_id: uuid.UUID
    rating: int
    comment: str | None
    tags: tuple[str, ...]
    preparation_time_actual: int | None  # minutes
    difficulty_actual: int | None  # 1-5
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RatingSummary:
    average: float | None
    count: int


NO_RATINGS = RatingSummary(None, 0)


def check_rating(
    rating: int,
    comment: str | None,
    tags: tuple[str, ...],
    preparation_time_actual: int | None,
    difficulty_actual: int | None,
) -> None:
    errors: list[FieldError] = []
    if not 1 <= rating <= 5:
        errors.append(FieldError("rating", "must be between 1 and 5"))
    if comment is not None and len(comment) > MAX_COMMENT:
        errors.append(FieldError("comment", f"at most {MAX_COMMENT} characters"))
    if len(tags) > MAX_TAGS:
        errors.append(FieldError("tags", f"at most {MAX_TAGS} tags"))
    for index, tag in enumerate(tags):
        if not tag.strip() or len(tag) > MAX_TAG:
            errors.append(FieldError(f"tags[{index}]", f"must be 1-{MAX_TAG} characters"))
    if preparation_time_actual is not None and not 1 <= preparation_time_actual <= MAX_MINUTES:
        errors.append(
            FieldError("preparation_time_actual", f"must be between 1 and {MAX_MINUTES} minutes")
        )
    if difficulty_actual is not None and not 1 <= difficulty_actual <= 5:
        errors.append(FieldError("difficulty_actual", "must be between 1 and 5"))
    if errors:
        raise ValidationFailed(errors)
