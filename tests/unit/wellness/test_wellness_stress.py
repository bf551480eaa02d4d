import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.wellness.baseline import build_baseline
from domain.wellness.stress import StressZone, stress_reading, zone_of
from tests.unit.wellness.builders import steady_days

BASELINE = build_baseline(steady_days(20, date(2026, 11, 10)), date(2026, 11, 10))
heart_rates = st.floats(min_value=25, max_value=250)
rmssds = st.floats(min_value=1, max_value=500)


@pytest.mark.parametrize(
    ("score", "zone"),
    [
        (0, StressZone.REST),
        (25, StressZone.REST),
        (26, StressZone.LOW),
        (50, StressZone.LOW),
        (51, StressZone.MEDIUM),
        (75, StressZone.MEDIUM),
        (76, StressZone.HIGH),
        (100, StressZone.HIGH),
    ],
)
def test_zones_follow_garmin(score, zone):
    assert zone_of(score) is zone


def test_a_reading_at_baseline_is_low_stress():
    hr = BASELINE.resting_hr_mean + 10
    reading = stress_reading(BASELINE, hr, BASELINE.ln_rmssd_mean)
    assert reading.zone is StressZone.LOW
    assert reading.deviation.hrv_z == pytest.approx(0)


def test_suppressed_hrv_and_raised_heart_rate_are_high_stress():
    ln = BASELINE.ln_rmssd_mean - 2.5 * BASELINE.ln_rmssd_minute_sd
    reading = stress_reading(BASELINE, BASELINE.resting_hr_mean + 30, ln)
    assert reading.zone is StressZone.HIGH


def test_hrv_well_above_baseline_at_resting_heart_rate_is_rest():
    ln = BASELINE.ln_rmssd_mean + 1.5 * BASELINE.ln_rmssd_sd
    assert stress_reading(BASELINE, BASELINE.resting_hr_mean, ln).zone is StressZone.REST


@given(heart_rates, heart_rates, st.one_of(st.none(), rmssds))
def test_a_higher_heart_rate_at_the_same_hrv_never_lowers_stress(hr_a, hr_b, rmssd):
    ln = None if rmssd is None else math.log(rmssd)
    low, high = sorted((hr_a, hr_b))
    assert stress_reading(BASELINE, high, ln).score >= stress_reading(BASELINE, low, ln).score


@given(heart_rates, rmssds, rmssds)
def test_a_higher_hrv_at_the_same_heart_rate_never_raises_stress(hr, r_a, r_b):
    low, high = sorted((r_a, r_b))
    assert (
        stress_reading(BASELINE, hr, math.log(high)).score
        <= stress_reading(BASELINE, hr, math.log(low)).score
    )


@given(heart_rates, st.one_of(st.none(), rmssds), st.integers(min_value=0, max_value=40))
def test_the_score_is_always_within_0_and_100(hr, rmssd, days):
    baseline = build_baseline(steady_days(days, date(2026, 11, 10)), date(2026, 11, 10))
    reading = stress_reading(baseline, hr, None if rmssd is None else math.log(rmssd))
    assert 0 <= reading.score <= 100
    assert reading.zone is zone_of(reading.score)
