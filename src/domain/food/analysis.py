"""A meal analysis and its life: pending -> processing -> completed | failed.

A photo upload starts `pending`; a worker claims it (`processing`, with a lease
it keeps renewing while it works); the result completes it, or it fails after
its last attempt. A claim whose lease ran out (the worker died) can be taken
again; a completed or failed analysis never changes state again, so a
re-delivered job does nothing. Manual entries are born completed. Pure: time
comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.food.vision import BoundingBox, normalise_food_name
from domain.nutrition.nutrients import Nutrients


class AnalysisStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (AnalysisStatus.COMPLETED, AnalysisStatus.FAILED)


class EntrySource(StrEnum):
    PHOTO = "photo"
    MANUAL = "manual"


class InvalidTransition(Exception):
    """A state change the state machine does not allow (a programming error or a race
    the repository resolves; never shown to a client)."""


@dataclass(frozen=True, slots=True)
class UsdaMatch:
    """The USDA food a named food was matched to, and how sure the match is."""

    name: str
    fdc_id: int | None
    data_type: str
    confidence: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"match confidence must be within [0, 1], got {self.confidence!r}")


class SuggestionSource(StrEnum):
    DETECTOR = "detector"
    DESCRIBER = "describer"
    HISTORY = "history"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A food the person may mean, offered for a one-tap correction (never counted in the
    meal's nutrition)."""

    food: str
    portion_grams: float | None
    fdc_id: int | None
    source: SuggestionSource

    def __post_init__(self) -> None:
        if not self.food.strip():
            raise ValueError("a suggestion needs a food name")
        if self.portion_grams is not None and self.portion_grams < 0:
            raise ValueError("portion_grams must not be negative")


@dataclass(frozen=True, slots=True)
class Review:
    """Whether a person should look at the result, and why, in words they understand."""

    needed: bool
    reasons: tuple[str, ...] = ()

    @classmethod
    def confirmed(cls) -> Review:
        return cls(needed=False, reasons=())


@dataclass(frozen=True, slots=True)
class FoodItem:
    """One entry of `detected_foods`: what, how sure, where, how much, which USDA food."""

    food: str
    confidence: float
    bbox: BoundingBox | None = None
    quantity: int = 1
    portion_grams: float | None = None
    fdc_id: int | None = None
    match: UsdaMatch | None = None  # the USDA food its nutrition came from

    def __post_init__(self) -> None:
        if not self.food.strip():
            raise ValueError("a food item needs a name")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence must be within [0, 1], got {self.confidence!r}")
        if self.quantity < 1:
            raise ValueError("quantity must be at least 1")
        if self.portion_grams is not None and self.portion_grams < 0:
            raise ValueError("portion_grams must not be negative")


@dataclass(frozen=True, slots=True)
class ModelsUsed:
    """Which models produced the result; None where a source was not configured."""

    detector: str | None = None
    describer: str | None = None
    nutrition_source: str | None = None
    fusion: str | None = None  # how the detector's and describer's answers were combined


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    foods: tuple[FoodItem, ...]
    description: str | None
    nutrition: Nutrients
    confidence_score: float
    models: ModelsUsed
    review: Review | None = None
    suggestions: tuple[Suggestion, ...] = ()


MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Analysis:
    id: UUID
    user_id: UUID
    source: EntrySource
    status: AnalysisStatus
    created_at: datetime
    completed_at: datetime | None = None
    eaten_at: datetime | None = None
    image_ref: str | None = None
    foods: tuple[FoodItem, ...] = ()
    description: str | None = None
    nutrition: Nutrients | None = None
    confidence_score: float | None = None
    analysis_duration_ms: int | None = None
    models: ModelsUsed | None = None
    error: str | None = None
    corrected: bool = False
    review: Review | None = None  # None: not judged (not completed, or stored before)
    suggestions: tuple[Suggestion, ...] = ()
    attempts: int = 0
    started_at: datetime | None = None
    lease_until: datetime | None = None

    # -- birth -------------------------------------------------------------------

    @classmethod
    def from_photo(cls, id: UUID, user_id: UUID, image_ref: str, now: datetime) -> Analysis:
        return cls(
            id=id,
            user_id=user_id,
            source=EntrySource.PHOTO,
            status=AnalysisStatus.PENDING,
            created_at=now,
            eaten_at=now,
            image_ref=image_ref,
        )

    @classmethod
    def manual(
        cls,
        id: UUID,
        user_id: UUID,
        item: FoodItem,
        nutrition: Nutrients,
        now: datetime,
        eaten_at: datetime | None,
        nutrition_source: str | None,
    ) -> Analysis:
        return cls(
            id=id,
            user_id=user_id,
            source=EntrySource.MANUAL,
            status=AnalysisStatus.COMPLETED,
            created_at=now,
            completed_at=now,
            eaten_at=eaten_at or now,
            foods=(item,),
            nutrition=nutrition,
            confidence_score=item.confidence,
            analysis_duration_ms=0,
            models=ModelsUsed(nutrition_source=nutrition_source),
            review=Review.confirmed(),
        )

    # -- derived -----------------------------------------------------------------

    @property
    def calories(self) -> float | None:
        return None if self.nutrition is None else self.nutrition.calories

    @property
    def food_names(self) -> list[str]:
        """The normalised names the history's `food` filter matches against."""
        return food_keys(item.food for item in self.foods)

    # -- the state machine ---------------------------------------------------------

    def can_be_claimed(self, now: datetime) -> bool:
        if self.status is AnalysisStatus.PENDING:
            return True
        return (
            self.status is AnalysisStatus.PROCESSING
            and self.lease_until is not None
            and self.lease_until <= now
        )

    def claimed(self, now: datetime, lease: timedelta) -> Analysis:
        """A worker takes the analysis for `lease` (renewed by heartbeats)."""
        if not self.can_be_claimed(now):
            raise InvalidTransition(f"analysis {self.id} is {self.status} and leased")
        return replace(
            self,
            status=AnalysisStatus.PROCESSING,
            attempts=self.attempts + 1,
            started_at=now,
            lease_until=now + lease,
        )

    def released(self) -> Analysis:
        """Back to pending for a later attempt (a transient failure)."""
        self._require(AnalysisStatus.PROCESSING)
        return replace(self, status=AnalysisStatus.PENDING, lease_until=None)

    def completed(self, result: AnalysisResult, now: datetime) -> Analysis:
        self._require(AnalysisStatus.PROCESSING)
        started = self.started_at or now
        duration = max(0, round((now - started).total_seconds() * 1000))
        return replace(
            self,
            status=AnalysisStatus.COMPLETED,
            completed_at=now,
            foods=result.foods,
            description=result.description,
            nutrition=result.nutrition,
            confidence_score=round(result.confidence_score, 4),
            analysis_duration_ms=duration,
            models=result.models,
            error=None,
            review=result.review,
            suggestions=result.suggestions,
            lease_until=None,
        )

    def failed(self, error: str, now: datetime) -> Analysis:
        if self.status.is_final:
            raise InvalidTransition(f"analysis {self.id} is already {self.status}")
        return replace(
            self,
            status=AnalysisStatus.FAILED,
            completed_at=now,
            error=error[:MAX_ERROR_LENGTH] or "analysis failed",
            lease_until=None,
        )

    def corrected_with(
        self, foods: tuple[FoodItem, ...], nutrition: Nutrients, nutrition_source: str | None
    ) -> Analysis:
        """The user's correction of what the models saw; nutrition recomputed. The person
        has looked at it: nothing is left to review and the suggestions are spent."""
        self._require(AnalysisStatus.COMPLETED)
        models = replace(self.models or ModelsUsed(), nutrition_source=nutrition_source)
        return replace(
            self,
            foods=foods,
            nutrition=nutrition,
            corrected=True,
            models=models,
            review=Review.confirmed(),
            suggestions=(),
        )

    def _require(self, status: AnalysisStatus) -> None:
        if self.status is not status:
            raise InvalidTransition(f"analysis {self.id} is {self.status}, not {status}")


def food_keys(names: Iterable[str]) -> list[str]:
    """Distinct normalised food names, in first-seen order."""
    return list(dict.fromkeys(k for k in (normalise_food_name(n) for n in names) if k))
