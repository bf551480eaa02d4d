"""What the food history can be asked: a page, a whitelisted sort, and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

from domain.calendar import out_of_range
from domain.errors import FieldError, ValidationFailed
from domain.food.analysis import Analysis
from domain.food.vision import normalise_food_name


class HistorySort(StrEnum):
    CREATED_AT = "created_at"
    CALORIES = "calories"
    CONFIDENCE_SCORE = "confidence_score"


SORTABLE: tuple[str, ...] = tuple(s.value for s in HistorySort)


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    food: str | None = None
    min_calories: float | None = None
    max_calories: float | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        errors = out_of_range(date_from=self.date_from, date_to=self.date_to)
        if self.food is not None and not normalise_food_name(self.food):
            errors.append(FieldError("food", "must name a food"))
        for name in ("min_calories", "max_calories"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors.append(FieldError(name, "must not be negative"))
        if (
            self.min_calories is not None
            and self.max_calories is not None
            and self.min_calories > self.max_calories
        ):
            errors.append(FieldError("min_calories", "must not exceed max_calories"))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            errors.append(FieldError("date_from", "must not be after date_to"))
        if errors:
            raise ValidationFailed(errors)

    @property
    def food_key(self) -> str | None:
        return normalise_food_name(self.food) if self.food is not None else None

    @property
    def created_from(self) -> datetime | None:
        """`date_from` as the first instant of that UTC day (inclusive)."""
        return datetime.combine(self.date_from, time.min, tzinfo=UTC) if self.date_from else None

    @property
    def created_before(self) -> datetime | None:
        """The first instant after `date_to` (exclusive): `date_to` is inclusive."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.food, self.min_calories, self.max_calories, self.date_from, self.date_to)
        )


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    user_id: UUID
    page: int = 1
    per_page: int = 20
    sort: HistorySort = HistorySort.CREATED_AT
    descending: bool = True
    filters: HistoryFilters = HistoryFilters()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class HistoryPage:
    items: list[Analysis]
    total: int
