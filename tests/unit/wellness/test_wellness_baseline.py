import math
from datetime import date, timedelta

import pytest

from domain.wellness.baseline import (
    MIN_RESTING_HR_SD,
    POPULATION_LN_RMSSD,
    POPULATION_RESTING_HR,
    BaselineStatus,
    DailyPhysiology,
    build_baseline,
)
from tests.unit.wellness.builders import steady_days

TODAY = date(2026, 11, 10)


def test_no_data_means_population_values_and_a_learning_status():
    baseline = build_baseline([], TODAY)
    assert baseline.status is BaselineStatus.LEARNING
    assert baseline.days == 0
    assert baseline.days_missing == 5
    assert (baseline.ln_rmssd_mean, baseline.ln_rmssd_sd) == POPULATION_LN_RMSSD
    assert (baseline.resting_hr_mean, baseline.resting_hr_sd) == POPULATION_RESTING_HR
    assert baseline.reliability == pytest.approx(0.15)
    assert "needs 5 days" in baseline.explain()
    assert "has 0" in baseline.explain()


def test_four_days_are_still_learning_but_counted():
    baseline = build_baseline(steady_days(4, TODAY), TODAY)
    assert baseline.status is BaselineStatus.LEARNING
    assert baseline.days == 4
    assert baseline.resting_hr_mean == POPULATION_RESTING_HR[0]


def test_five_days_make_a_provisional_personal_baseline():
    baseline = build_baseline(steady_days(5, TODAY, rmssd=45, resting_hr=58), TODAY)
    assert baseline.status is BaselineStatus.PROVISIONAL
    assert math.exp(baseline.ln_rmssd_mean) == pytest.approx(45, rel=0.05)
    assert baseline.resting_hr_mean == pytest.approx(58, abs=1)
    assert baseline.reliability == pytest.approx(0.6)
    assert "5-day baseline" in baseline.explain()


def test_fourteen_days_establish_it():
    baseline = build_baseline(steady_days(20, TODAY), TODAY)
    assert baseline.status is BaselineStatus.ESTABLISHED
    assert baseline.reliability == 1.0


def test_only_the_thirty_days_before_today_count():
    days = steady_days(40, TODAY, rmssd=45)
    days.append(DailyPhysiology(TODAY, ln_rmssd=math.log(10), resting_hr=90, data_points=900))
    baseline = build_baseline(days, TODAY)
    assert baseline.days == 30
    assert baseline.window_start == TODAY - timedelta(days=30)
    assert baseline.window_end == TODAY - timedelta(days=1)
    assert math.exp(baseline.ln_rmssd_mean) == pytest.approx(45, rel=0.05)


def test_days_with_too_few_readings_do_not_count():
    thin = [
        DailyPhysiology(TODAY - timedelta(days=i), math.log(40), 60, data_points=3)
        for i in range(1, 10)
    ]
    assert build_baseline(thin, TODAY).days == 0


def test_very_regular_days_do_not_shrink_the_spread_below_a_floor():
    days = steady_days(10, TODAY, wobble=0.0)
    days = [DailyPhysiology(d.day, d.ln_rmssd, 60.0, d.data_points) for d in days]
    baseline = build_baseline(days, TODAY)
    assert baseline.resting_hr_sd == MIN_RESTING_HR_SD
    assert baseline.ln_rmssd_sd > 0
