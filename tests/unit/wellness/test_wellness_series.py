from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.wellness.emotion import Emotion
from domain.wellness.series import (
    Resolution,
    aggregate_points,
    delete_cutoff,
    downsample_cutoff,
    merge_aggregates,
)
from tests.unit.wellness.builders import USER, other_user, point

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def test_an_hour_folds_into_min_mean_max_and_dominant_emotion():
    points = [
        point(
            T0 + timedelta(minutes=1), heart_rate=60, rmssd=50, emotion=Emotion.CALM, confidence=0.8
        ),
        point(
            T0 + timedelta(minutes=2),
            heart_rate=70,
            rmssd=None,
            emotion=Emotion.CALM,
            confidence=0.6,
        ),
        point(T0 + timedelta(minutes=3), heart_rate=80, rmssd=30, emotion=Emotion.STRESSED),
        point(T0 + timedelta(minutes=61), heart_rate=90, emotion=Emotion.UNKNOWN),
    ]
    first, second = aggregate_points(points, Resolution.HOUR)
    assert first.start == T0
    assert second.start == T0 + timedelta(hours=1)
    assert (first.hr_min, first.hr_mean, first.hr_max) == (60, 70, 80)
    assert first.rmssd_mean == 40  # the reading without RMSSD does not count as zero
    assert first.dominant_emotion is Emotion.CALM
    assert first.confidence == pytest.approx((0.8 + 0.6) / 3, abs=0.01)
    assert second.dominant_emotion is Emotion.UNKNOWN


def test_unknown_never_outvotes_a_known_state():
    points = [point(T0 + timedelta(minutes=i), emotion=Emotion.UNKNOWN) for i in range(5)]
    points.append(point(T0 + timedelta(minutes=9), emotion=Emotion.FOCUSED))
    (agg,) = aggregate_points(points, Resolution.HOUR)
    assert agg.dominant_emotion is Emotion.FOCUSED


def test_users_never_share_a_bucket():
    points = [point(T0), point(T0, user=other_user())]
    assert [a.count for a in aggregate_points(points, Resolution.HOUR)] == [1, 1]


def test_cutoffs_fall_on_whole_hours():
    now = datetime(2026, 11, 10, 14, 37, 12, tzinfo=UTC)
    assert downsample_cutoff(now) == datetime(2026, 10, 11, 14, 0, tzinfo=UTC)
    assert delete_cutoff(now) == datetime(2026, 8, 12, 14, 0, tzinfo=UTC)


def test_raw_is_not_a_bucket_size():
    with pytest.raises(ValueError, match="raw"):
        aggregate_points([point(T0)], Resolution.RAW)


emotions = st.sampled_from(list(Emotion))
points_strategy = st.lists(
    st.builds(
        lambda minute, hr, rmssd, stress, emotion, conf: point(
            T0 + timedelta(minutes=minute),
            heart_rate=hr,
            rmssd=rmssd,
            stress=stress,
            emotion=emotion,
            confidence=conf,
        ),
        st.integers(0, 3 * 24 * 60),
        st.floats(25, 250),
        st.one_of(st.none(), st.floats(1, 500)),
        st.integers(0, 100),
        emotions,
        st.floats(0, 0.95),
    ),
    min_size=1,
    max_size=200,
)


@given(points_strategy)
def test_folding_hours_into_days_equals_folding_points_into_days(points):
    direct = aggregate_points(points, Resolution.DAY)
    via_hours = merge_aggregates(aggregate_points(points, Resolution.HOUR), Resolution.DAY)
    assert [a.start for a in direct] == [a.start for a in via_hours]
    for a, b in zip(direct, via_hours, strict=True):
        assert a.count == b.count
        assert a.user_id == b.user_id == USER
        assert (a.hr_min, a.hr_max) == (b.hr_min, b.hr_max)
        assert a.hr_mean == pytest.approx(b.hr_mean)
        assert (a.rmssd_mean is None) == (b.rmssd_mean is None)
        if a.rmssd_mean is not None:
            assert a.rmssd_mean == pytest.approx(b.rmssd_mean)
        assert a.emotion_counts == b.emotion_counts
        assert a.dominant_emotion is b.dominant_emotion
        assert 0 <= a.confidence <= 0.95
