"""Wearable samples and the rules that decide whether one is physiologically possible.

A batch is judged as a whole: every impossible value is reported with its index
(`samples[3].heart_rate`) and nothing of a rejected batch may be stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.errors import FieldError, ValidationFailed


class Source(StrEnum):
    APPLE_WATCH = "apple_watch"
    FITBIT = "fitbit"
    GARMIN = "garmin"
    OURA = "oura"
    POLAR = "polar"
    MANUAL = "manual"


KNOWN_SOURCES = frozenset(s.value for s in Source)

MIN_BATCH = 1
MAX_BATCH = 1000
HEART_RATE_BPM = (25.0, 250.0)
HRV_MS = (1.0, 500.0)  # SDNN and RMSSD; short-term values above this are artefacts
PNN50_PERCENT = (0.0, 100.0)
RR_INTERVAL_MS = (250.0, 2500.0)  # 24 to 240 beats per minute
MAX_ERRORS_LISTED = 50
MAX_RR_PER_SAMPLE = 1200  # five minutes at 240 beats per minute
CLOCK_SKEW = timedelta(seconds=60)  # a watch clock running slightly ahead is not "the future"
RAW_RETENTION = timedelta(days=90)  # older samples would be deleted on arrival


@dataclass(frozen=True, slots=True)
class BiometricSample:
    """One reading from a wearable, as the client sent it (timestamp in UTC)."""

    timestamp: datetime
    heart_rate: float
    source: Source
    hrv_sdnn: float | None = None
    hrv_rmssd: float | None = None
    pnn50: float | None = None
    rr_intervals_ms: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class SampleInput:
    """A sample before validation: the shape the HTTP layer decoded, values unchecked."""

    timestamp: datetime
    heart_rate: float
    source: str
    hrv_sdnn: float | None = None
    hrv_rmssd: float | None = None
    pnn50: float | None = None
    rr_intervals_ms: Sequence[float] = ()


_SOURCES = {s.value: s for s in Source}


def _out_of(value: float, bounds: tuple[float, float]) -> bool:
    # NaN and infinities fail the chained comparison too.
    return not bounds[0] <= value <= bounds[1]


def _bad_rr_index(rr: Sequence[float]) -> int | None:
    """Index of the first impossible interval, or None; one C-speed pass when all is well."""
    lo, hi = RR_INTERVAL_MS
    total = sum(rr)
    if total == total and lo <= min(rr) and max(rr) <= hi:  # total != total: a NaN
        return None
    return next(j for j, x in enumerate(rr) if not lo <= x <= hi)


def _sample_errors(i: int, raw: SampleInput, earliest: datetime, latest: datetime
                   ) -> list[FieldError]:
    """Every problem of one sample, each named by its index (the slow, rare path)."""
    prefix = f"samples[{i}]"
    errors = []
    ts = raw.timestamp
    if ts.tzinfo is None or ts.utcoffset() is None:
        errors.append(FieldError(f"{prefix}.timestamp", "must carry a UTC offset, e.g. 'Z'"))
    elif ts > latest:
        errors.append(FieldError(f"{prefix}.timestamp", "must not be in the future"))
    elif ts < earliest:
        errors.append(FieldError(f"{prefix}.timestamp", "is older than the 90-day retention"))
    if _out_of(raw.heart_rate, HEART_RATE_BPM):
        errors.append(FieldError(f"{prefix}.heart_rate", "must be between 25 and 250 bpm"))
    for name, value in (("hrv_sdnn", raw.hrv_sdnn), ("hrv_rmssd", raw.hrv_rmssd)):
        if value is not None and _out_of(value, HRV_MS):
            errors.append(FieldError(f"{prefix}.{name}", "must be between 1 and 500 ms"))
    if raw.pnn50 is not None and _out_of(raw.pnn50, PNN50_PERCENT):
        errors.append(FieldError(f"{prefix}.pnn50", "must be between 0 and 100 %"))
    if raw.source not in _SOURCES:
        errors.append(FieldError(
            f"{prefix}.source", f"must be one of {', '.join(sorted(KNOWN_SOURCES))}"))
    rr = raw.rr_intervals_ms
    if len(rr) > MAX_RR_PER_SAMPLE:
        errors.append(FieldError(
            f"{prefix}.rr_intervals_ms", f"at most {MAX_RR_PER_SAMPLE} intervals per sample"))
    elif rr and (j := _bad_rr_index(rr)) is not None:
        # one message per sample is enough to find the bad stream
        errors.append(FieldError(f"{prefix}.rr_intervals_ms[{j}]",
                                 "must be between 250 and 2500 ms"))
    return errors


def _is_valid(raw: SampleInput, earliest: datetime, latest: datetime) -> bool:
    ts = raw.timestamp
    rr = raw.rr_intervals_ms
    return (ts.tzinfo is not None and ts.utcoffset() is not None and earliest <= ts <= latest
            and HEART_RATE_BPM[0] <= raw.heart_rate <= HEART_RATE_BPM[1]
            and (raw.hrv_sdnn is None or HRV_MS[0] <= raw.hrv_sdnn <= HRV_MS[1])
            and (raw.hrv_rmssd is None or HRV_MS[0] <= raw.hrv_rmssd <= HRV_MS[1])
            and (raw.pnn50 is None or PNN50_PERCENT[0] <= raw.pnn50 <= PNN50_PERCENT[1])
            and raw.source in _SOURCES
            and (not rr or (len(rr) <= MAX_RR_PER_SAMPLE and _bad_rr_index(rr) is None)))


def _accepted(raw: SampleInput) -> BiometricSample:
    ts = raw.timestamp
    if ts.utcoffset() or ts.tzinfo is not UTC or ts.microsecond % 1000:
        # Kept to the millisecond, the precision every store (MongoDB included) round-trips.
        ts = ts.astimezone(UTC).replace(microsecond=ts.microsecond // 1000 * 1000)
    return BiometricSample(
        timestamp=ts,
        heart_rate=float(raw.heart_rate),
        source=_SOURCES[raw.source],
        hrv_sdnn=None if raw.hrv_sdnn is None else float(raw.hrv_sdnn),
        hrv_rmssd=None if raw.hrv_rmssd is None else float(raw.hrv_rmssd),
        pnn50=None if raw.pnn50 is None else float(raw.pnn50),
        rr_intervals_ms=tuple(map(float, raw.rr_intervals_ms)),
    )


def validate_batch(batch: Sequence[SampleInput], now: datetime) -> list[BiometricSample]:
    """Every sample valid, or `ValidationFailed` naming each bad field by index."""
    if not MIN_BATCH <= len(batch) <= MAX_BATCH:
        raise ValidationFailed.single(
            "samples", f"send between {MIN_BATCH} and {MAX_BATCH} samples")
    earliest, latest = now - RAW_RETENTION, now + CLOCK_SKEW
    if all(_is_valid(raw, earliest, latest) for raw in batch):
        return [_accepted(raw) for raw in batch]
    errors = [e for i, raw in enumerate(batch) for e in _sample_errors(i, raw, earliest, latest)]
    listed = errors[:MAX_ERRORS_LISTED]  # a broken batch of 1,000 needs no 1,000-line answer
    more = f"; the first {len(listed)} are listed" if len(errors) > len(listed) else ""
    raise ValidationFailed(listed, message=f"{len(errors)} invalid value(s) in the batch{more}",
                           invalid_values=len(errors))
