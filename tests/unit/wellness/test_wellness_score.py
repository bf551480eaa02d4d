import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.wellness.baseline import build_baseline
from domain.wellness.emotion import Emotion
from domain.wellness.score import daily_wellness, expected_hours, resting_heart_rate
from domain.wellness.series import Resolution, aggregate_points
from tests.unit.wellness.builders import other_user, point, steady_days

DAY = date(2026, 11, 9)
START = datetime(2026, 11, 9, 6, 0, tzinfo=UTC)
BASELINE = build_baseline(steady_days(20, DAY, rmssd=45, resting_hr=58), DAY)


def day_of(
    *,
    hours: int = 16,
    rmssd: float = 45.0,
    hr: float = 68.0,
    stress: int = 30,
    emotion: Emotion = Emotion.RELAXED,
):
    return hourly(
        [
            point(
                START + timedelta(minutes=m),
                heart_rate=hr + (m % 10) - 10,
                rmssd=rmssd,
                stress=stress,
                emotion=emotion,
            )
            for m in range(0, hours * 60, 5)
        ]
    )


def hourly(points):
    return aggregate_points(points, Resolution.HOUR)


def test_a_day_at_baseline_scores_in_the_sixties_with_all_components():
    day = daily_wellness(DAY, day_of(), BASELINE, 16)
    assert day is not None
    assert set(day.components) == {"hrv_balance", "resting_hr", "stress_load", "data_coverage"}
    assert day.components["data_coverage"] == 100.0
    assert day.components["hrv_balance"] == pytest.approx(65, abs=3)
    assert 55 <= day.wellness_score <= 75
    assert day.dominant_emotion is Emotion.RELAXED
    assert day.hrv_avg == 45.0
    assert day.ln_rmssd_mean == pytest.approx(math.log(45))
    assert day.data_points == 16 * 12


def test_a_day_of_suppressed_hrv_and_stress_scores_lower():
    good = daily_wellness(DAY, day_of(), BASELINE, 16)
    bad = daily_wellness(
        DAY, day_of(rmssd=25, hr=80, stress=80, emotion=Emotion.STRESSED), BASELINE, 16
    )
    assert bad.wellness_score < good.wellness_score - 20
    assert bad.dominant_emotion is Emotion.STRESSED


def test_thin_coverage_pulls_the_score_towards_neutral():
    bad_full = daily_wellness(DAY, day_of(rmssd=25, stress=85), BASELINE, 16)
    bad_thin = daily_wellness(DAY, day_of(hours=2, rmssd=25, stress=85), BASELINE, 16)
    assert bad_full.wellness_score < bad_thin.wellness_score <= 50
    assert bad_thin.components["data_coverage"] == pytest.approx(12.5)


def test_no_hrv_means_no_hrv_component_rather_than_a_zero():
    day = daily_wellness(DAY, day_of(rmssd=None), BASELINE, 16)
    assert day.components["hrv_balance"] is None
    assert day.hrv_avg is None
    assert 0 <= day.wellness_score <= 100


def test_no_points_no_score():
    assert daily_wellness(DAY, [], BASELINE, 16) is None


def test_points_of_two_users_are_refused():
    hours = [*day_of(hours=1), *hourly([point(START, user=other_user())])]
    with pytest.raises(ValueError, match="one user"):
        daily_wellness(DAY, hours, BASELINE, 16)


def test_resting_heart_rate_is_the_quietest_solid_hour():
    points = [point(START, heart_rate=35)]  # one dropout reading makes no resting hour
    points += [point(START + timedelta(hours=1, minutes=m), heart_rate=55) for m in range(5)]
    points += [point(START + timedelta(hours=2, minutes=m), heart_rate=75) for m in range(5)]
    assert resting_heart_rate(hourly(points)) == 55.0
    assert resting_heart_rate(hourly([point(START, heart_rate=61)])) == 61.0


def test_today_expects_only_the_hours_gone_by():
    assert expected_hours(DAY, datetime(2026, 11, 9, 3, 0, tzinfo=UTC)) == 3.0
    assert expected_hours(DAY, datetime(2026, 11, 12, 3, 0, tzinfo=UTC)) == 16.0


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 24 * 60 - 1),
            st.floats(25, 250),
            st.one_of(st.none(), st.floats(1, 500)),
            st.integers(0, 100),
        ),
        min_size=1,
        max_size=120,
    ),
    st.integers(0, 40),
)
def test_the_score_and_every_component_stay_within_0_and_100(readings, baseline_days):
    baseline = build_baseline(steady_days(baseline_days, DAY), DAY)
    midnight = datetime(2026, 11, 9, tzinfo=UTC)
    points = [
        point(midnight + timedelta(minutes=m), heart_rate=hr, rmssd=r, stress=s)
        for m, hr, r, s in readings
    ]
    day = daily_wellness(DAY, hourly(points), baseline, 16)
    assert 0 <= day.wellness_score <= 100
    assert all(v is None or 0 <= v <= 100 for v in day.components.values())
    assert 0 <= day.emotion_confidence <= 0.95
