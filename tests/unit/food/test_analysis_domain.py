"""The analysis state machine, the quota window and the history filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.food.analysis import (
    Analysis,
    AnalysisResult,
    AnalysisStatus,
    FoodItem,
    InvalidTransition,
    ModelsUsed,
)
from domain.food.history import HistoryFilters
from domain.food.quota import FREE_DAILY_ANALYSES, daily_limit, utc_day_window
from domain.identity.model import Tier
from domain.nutrition.nutrients import Nutrients

NOW = datetime(2026, 11, 10, 14, 30, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def pending() -> Analysis:
    return Analysis.from_photo(uuid4(), uuid4(), "u/" + "a" * 32 + ".jpg", NOW)


def result(calories: float = 95.0) -> AnalysisResult:
    return AnalysisResult(
        foods=(FoodItem("apple", 0.9, portion_grams=182.0, fdc_id=1),),
        description="An apple.",
        nutrition=Nutrients(calories=calories),
        confidence_score=0.9,
        models=ModelsUsed(None, None, "usda_fdc"),
    )


def test_photo_analysis_runs_pending_processing_completed():
    a = pending()
    assert a.status is AnalysisStatus.PENDING and a.can_be_claimed(NOW)
    p = a.claimed(NOW, LEASE)
    assert p.status is AnalysisStatus.PROCESSING and p.attempts == 1
    assert p.lease_until == NOW + LEASE
    done = p.completed(result(), NOW + timedelta(milliseconds=1234))
    assert done.status is AnalysisStatus.COMPLETED
    assert done.analysis_duration_ms == 1234
    assert done.calories == 95.0 and done.food_names == ["apple"]
    assert done.lease_until is None and done.completed_at == NOW + timedelta(milliseconds=1234)


def test_a_live_lease_cannot_be_claimed_an_expired_one_can():
    p = pending().claimed(NOW, LEASE)
    assert not p.can_be_claimed(NOW + LEASE / 2)
    with pytest.raises(InvalidTransition):
        p.claimed(NOW + LEASE / 2, LEASE)
    again = p.claimed(NOW + LEASE, LEASE)
    assert again.attempts == 2 and again.lease_until == NOW + 2 * LEASE


@pytest.mark.parametrize("final", ["completed", "failed"])
def test_final_states_never_change(final):
    p = pending().claimed(NOW, LEASE)
    done = p.completed(result(), NOW) if final == "completed" else p.failed("boom", NOW)
    assert done.status.is_final and not done.can_be_claimed(NOW + timedelta(days=1))
    with pytest.raises(InvalidTransition):
        done.claimed(NOW + timedelta(days=1), LEASE)
    with pytest.raises(InvalidTransition):
        done.failed("again", NOW)
    with pytest.raises(InvalidTransition):
        done.released()


def test_only_a_processing_analysis_completes_or_is_released():
    with pytest.raises(InvalidTransition):
        pending().completed(result(), NOW)
    released = pending().claimed(NOW, LEASE).released()
    assert released.status is AnalysisStatus.PENDING and released.attempts == 1


def test_correction_needs_a_completed_entry_and_marks_it():
    done = pending().claimed(NOW, LEASE).completed(result(), NOW)
    fixed = done.corrected_with(
        (FoodItem("banana", 1.0, portion_grams=120),), Nutrients(calories=107), "usda_fdc"
    )
    assert fixed.corrected and fixed.food_names == ["banana"] and fixed.calories == 107
    with pytest.raises(InvalidTransition):
        pending().corrected_with((), Nutrients(), None)


def test_failure_message_is_bounded():
    failed = pending().failed("x" * 5000, NOW)
    assert failed.status is AnalysisStatus.FAILED and len(failed.error) == 500


def test_manual_entry_is_born_completed():
    item = FoodItem("rice", 1.0, portion_grams=150, fdc_id=7)
    e = Analysis.manual(uuid4(), uuid4(), item, Nutrients(calories=195), NOW, None, "usda_fdc")
    assert e.status is AnalysisStatus.COMPLETED and e.eaten_at == NOW and e.image_ref is None
    assert e.confidence_score == 1.0 and e.models.nutrition_source == "usda_fdc"


def test_food_names_are_normalised_and_distinct():
    a = (
        pending()
        .claimed(NOW, LEASE)
        .completed(
            AnalysisResult(
                foods=(
                    FoodItem("Hot_Dogs", 0.8),
                    FoodItem("hot dog", 0.5),
                    FoodItem("Apples", 0.4),
                ),
                description=None,
                nutrition=Nutrients(),
                confidence_score=0.5,
                models=ModelsUsed(),
            ),
            NOW,
        )
    )
    assert a.food_names == ["hot dog", "apple"]


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_quota_window_is_the_utc_day(now):
    w = utc_day_window(now)
    assert w.day == now.date()
    assert w.resets_at - timedelta(days=1) <= now < w.resets_at
    assert 1 <= w.seconds_left(now) <= 86_400


def test_only_the_free_tier_has_a_daily_limit():
    assert daily_limit(Tier.FREE) == FREE_DAILY_ANALYSES == 3
    assert daily_limit(Tier.PREMIUM) is None and daily_limit(Tier.ADMIN) is None


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"min_calories": 500, "max_calories": 100}, "min_calories"),
        ({"min_calories": -1}, "min_calories"),
        ({"date_from": date(2026, 2, 1), "date_to": date(2026, 1, 1)}, "date_from"),
        ({"food": "!!!"}, "food"),
    ],
)
def test_contradictory_filters_are_400(kwargs, field):
    with pytest.raises(ValidationFailed) as err:
        HistoryFilters(**kwargs)
    assert field in {e.field for e in err.value.errors}


def test_date_range_is_inclusive_utc_days():
    f = HistoryFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    assert f.created_from == datetime(2026, 1, 1, tzinfo=UTC)
    assert f.created_before == datetime(2026, 2, 1, tzinfo=UTC)
    assert f.any and not HistoryFilters().any
