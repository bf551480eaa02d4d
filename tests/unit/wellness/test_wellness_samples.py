from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.wellness.samples import MAX_BATCH, Source, validate_batch
from tests.unit.wellness.builders import NOW, sample_input


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e["field"] for e in exc.value.details["errors"]]


def test_a_valid_batch_becomes_domain_samples_in_utc():
    paris = timezone(timedelta(hours=1))
    ts = datetime(2026, 11, 10, 15, 0, tzinfo=paris)
    (sample,) = validate_batch([sample_input(timestamp=ts, rr_intervals_ms=[800, 810.5])], NOW)
    assert sample.timestamp == datetime(2026, 11, 10, 14, 0, tzinfo=UTC)
    assert sample.timestamp.utcoffset() == timedelta(0)
    assert sample.source is Source.POLAR
    assert sample.rr_intervals_ms == (800.0, 810.5)


def test_an_impossible_heart_rate_is_reported_with_its_index():
    batch = [sample_input() for _ in range(5)]
    batch[3] = sample_input(heart_rate=400)
    with pytest.raises(ValidationFailed) as exc:
        validate_batch(batch, NOW)
    assert fields_of(exc) == ["samples[3].heart_rate"]
    assert exc.value.code == "PSI-VAL-1001"


def test_every_bad_field_of_every_sample_is_reported():
    batch = [
        sample_input(source="smart_fridge"),
        sample_input(),
        sample_input(hrv_rmssd=0.0, pnn50=101.0, rr_intervals_ms=[800, 810, 3000, 100]),
    ]
    with pytest.raises(ValidationFailed) as exc:
        validate_batch(batch, NOW)
    assert fields_of(exc) == [
        "samples[0].source",
        "samples[2].hrv_rmssd",
        "samples[2].pnn50",
    ]


def test_out_of_range_beats_are_not_a_reason_to_reject_a_batch():
    (ok,) = validate_batch([sample_input(rr_intervals_ms=[800, 810, 3000, 100, 805])], NOW)
    assert ok.rr_intervals_ms == (800, 810, 3000, 100, 805)  # dropped later, and counted


def test_activity_context_is_checked_per_sample():
    batch = [
        sample_input(steps=120, activity="walk", interval_s=60),
        sample_input(steps=-1, activity="dancing", interval_s=0),
    ]
    with pytest.raises(ValidationFailed) as exc:
        validate_batch(batch, NOW)
    assert fields_of(exc) == ["samples[1].steps", "samples[1].interval_s", "samples[1].activity"]
    (ok,) = validate_batch(batch[:1], NOW)
    assert (ok.steps, ok.activity, ok.interval_s) == (120.0, "walk", 60.0)


@pytest.mark.parametrize("offset", [timedelta(minutes=5), timedelta(days=1)])
def test_future_timestamps_are_rejected(offset):
    with pytest.raises(ValidationFailed) as exc:
        validate_batch([sample_input(timestamp=NOW + offset)], NOW)
    assert fields_of(exc) == ["samples[0].timestamp"]


def test_a_watch_clock_a_few_seconds_ahead_is_not_the_future():
    assert validate_batch([sample_input(timestamp=NOW + timedelta(seconds=20))], NOW)


def test_timestamps_without_offset_or_past_retention_are_rejected():
    batch = [
        sample_input(timestamp=datetime(2026, 11, 10, 12, 0)),
        sample_input(timestamp=NOW - timedelta(days=91)),
    ]
    with pytest.raises(ValidationFailed) as exc:
        validate_batch(batch, NOW)
    assert fields_of(exc) == ["samples[0].timestamp", "samples[1].timestamp"]


def test_not_a_number_is_not_a_heart_rate():
    with pytest.raises(ValidationFailed) as exc:
        validate_batch([sample_input(heart_rate=float("nan"))], NOW)
    assert fields_of(exc) == ["samples[0].heart_rate"]


@pytest.mark.parametrize("size", [0, MAX_BATCH + 1])
def test_batch_size_is_bounded(size):
    with pytest.raises(ValidationFailed) as exc:
        validate_batch([sample_input() for _ in range(size)], NOW)
    assert fields_of(exc) == ["samples"]


def test_a_full_batch_is_accepted():
    assert len(validate_batch([sample_input() for _ in range(MAX_BATCH)], NOW)) == MAX_BATCH


@given(
    st.floats(min_value=25, max_value=250),
    st.lists(st.floats(min_value=250, max_value=2500), max_size=50),
)
def test_any_physiological_reading_is_accepted(hr, rr):
    (sample,) = validate_batch([sample_input(heart_rate=hr, rr_intervals_ms=rr)], NOW)
    assert sample.heart_rate == hr


@given(st.one_of(st.floats(max_value=24.99), st.floats(min_value=250.01), st.just(float("inf"))))
def test_any_impossible_heart_rate_is_rejected(hr):
    with pytest.raises(ValidationFailed) as exc:
        validate_batch([sample_input(), sample_input(heart_rate=hr)], NOW)
    assert fields_of(exc) == ["samples[1].heart_rate"]


def test_a_batch_of_garbage_lists_the_first_fifty_errors_and_counts_all():
    batch = [sample_input(heart_rate=0) for _ in range(300)]
    with pytest.raises(ValidationFailed) as exc:
        validate_batch(batch, NOW)
    assert len(exc.value.details["errors"]) == 50
    assert exc.value.details["invalid_values"] == 300
    assert "300 invalid" in exc.value.message
