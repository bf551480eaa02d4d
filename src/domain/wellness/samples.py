"""Wearable samples and the rules that decide whether one is physiologically possible.

A batch is judged as a whole: every impossible value is reported with its index
(`samples[3].heart_rate`) and nothing of a rejected batch may be stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

import numpy as np

from domain.errors import FieldError, ValidationFailed
from domain.wellness.activity import ACTIVITY_VALUES


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
STEPS = (0.0, 100_000.0)  # in the sample's interval
INTERVAL_S = (1.0, 3600.0)  # a sample stands for at most an hour
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
    steps: float | None = None
    activity: str | None = None
    interval_s: float | None = None


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
    steps: float | None = None
    activity: str | None = None
    interval_s: float | None = None


class RawSample(Protocol):
    """Anything shaped like a sample before validation (`SampleInput`, the HTTP struct)."""

    @property
    def timestamp(self) -> datetime: ...
    @property
    def heart_rate(self) -> float: ...
    @property
    def source(self) -> str: ...
    @property
    def hrv_sdnn(self) -> float | None: ...
    @property
    def hrv_rmssd(self) -> float | None: ...
    @property
    def pnn50(self) -> float | None: ...
    @property
    def rr_intervals_ms(self) -> Sequence[float] | None: ...
    @property
    def steps(self) -> float | None: ...
    @property
    def activity(self) -> str | None: ...
    @property
    def interval_s(self) -> float | None: ...


_SOURCES = {s.value: s for s in Source}
_ACTIVITIES = ACTIVITY_VALUES | {None}


def _out_of(value: float, bounds: tuple[float, float]) -> bool:
    # NaN and infinities fail the chained comparison too.
    return not bounds[0] <= value <= bounds[1]


def _sample_errors(
    i: int, raw: RawSample, earliest: datetime, latest: datetime
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
        errors.append(
            FieldError(f"{prefix}.source", f"must be one of {', '.join(sorted(KNOWN_SOURCES))}")
        )
    rr = raw.rr_intervals_ms or ()
    if len(rr) > MAX_RR_PER_SAMPLE:
        errors.append(
            FieldError(
                f"{prefix}.rr_intervals_ms", f"at most {MAX_RR_PER_SAMPLE} intervals per sample"
            )
        )
    # RR intervals out of range are artefacts, dropped one by one (domain.wellness.hrv)
    if raw.steps is not None and _out_of(raw.steps, STEPS):
        errors.append(FieldError(f"{prefix}.steps", "must be between 0 and 100000"))
    if raw.interval_s is not None and _out_of(raw.interval_s, INTERVAL_S):
        errors.append(FieldError(f"{prefix}.interval_s", "must be between 1 and 3600 s"))
    if raw.activity is not None and raw.activity not in ACTIVITY_VALUES:
        errors.append(
            FieldError(f"{prefix}.activity", f"must be one of {', '.join(sorted(ACTIVITY_VALUES))}")
        )
    return errors


def _utc_ms(ts: datetime) -> datetime:
    """UTC, kept to the millisecond: the precision every store (MongoDB included) round-trips."""
    if ts.utcoffset() or ts.tzinfo is not UTC or ts.microsecond % 1000:
        ts = ts.astimezone(UTC).replace(microsecond=ts.microsecond // 1000 * 1000)
    return ts


@dataclass(frozen=True, slots=True)
class SampleColumns:
    """A validated batch as columns, one entry per sample: timestamps in UTC to the
    millisecond, known source values, floats (None where the device sent nothing)."""

    timestamps: list[datetime]
    sources: list[str]
    heart_rate: list[float]
    hrv_sdnn: list[float | None]
    hrv_rmssd: list[float | None]
    pnn50: list[float | None]
    rr_intervals_ms: list[tuple[float, ...]]
    steps: list[float | None]
    activity: list[str | None]
    interval_s: list[float | None]

    def __len__(self) -> int:
        return len(self.timestamps)

    def sample(self, i: int) -> BiometricSample:
        return BiometricSample(
            timestamp=self.timestamps[i],
            heart_rate=self.heart_rate[i],
            source=_SOURCES[self.sources[i]],
            hrv_sdnn=self.hrv_sdnn[i],
            hrv_rmssd=self.hrv_rmssd[i],
            pnn50=self.pnn50[i],
            rr_intervals_ms=self.rr_intervals_ms[i],
            steps=self.steps[i],
            activity=self.activity[i],
            interval_s=self.interval_s[i],
        )

    def _take(self, order: list[int]) -> SampleColumns:
        return SampleColumns(
            *(
                [column[i] for i in order]
                for column in (
                    self.timestamps,
                    self.sources,
                    self.heart_rate,
                    self.hrv_sdnn,
                    self.hrv_rmssd,
                    self.pnn50,
                    self.rr_intervals_ms,
                    self.steps,
                    self.activity,
                    self.interval_s,
                )
            )
        )

    def canonical(self) -> SampleColumns:
        """The first of each (source, timestamp) (later repeats are duplicates), in
        (timestamp, source) order: how a batch is stored, whatever order it came in, so
        that what is folded from it (sums of floats) does not depend on that order."""
        ts = self.timestamps
        if all(a < b for a, b in pairwise(ts)):  # in time order (the usual case): done
            return self
        seen: set[tuple[str, datetime]] = set()
        keep = []
        for i, key in enumerate(zip(self.sources, ts, strict=True)):
            if key not in seen:
                seen.add(key)
                keep.append(i)
        keep.sort(key=lambda i: (ts[i], self.sources[i]))
        return self._take(keep)

    def days(self) -> list[date]:
        """The UTC day of each sample."""
        return [ts.date() for ts in self.timestamps]


def _in_bounds(values: list, bounds: tuple[float, float], optional: bool) -> bool:
    """Every value inside `bounds` (None allowed when optional), NaN never, in one pass."""
    n = len(values)
    missing = values.count(None) if optional else 0
    if missing == n:
        return True
    a = np.array(values, dtype=float)  # None becomes NaN, which no comparison lets through
    return int(np.count_nonzero((a >= bounds[0]) & (a <= bounds[1]))) == n - missing


def _all_valid(
    ts: list[datetime],
    hr: list,
    src: list,
    sdnn: list,
    rmssd: list,
    pnn50: list,
    rr: list,
    context: tuple[list, list, list],
    earliest: datetime,
    latest: datetime,
) -> bool:
    """The whole batch at C speed; `_sample_errors` explains a failure sample by sample."""
    if not all(isinstance(t, datetime) and t.utcoffset() is not None for t in ts):
        return False
    if not (earliest <= min(ts) and max(ts) <= latest):
        return False
    try:
        if not (
            _in_bounds(hr, HEART_RATE_BPM, False)
            and _in_bounds(sdnn, HRV_MS, True)
            and _in_bounds(rmssd, HRV_MS, True)
            and _in_bounds(pnn50, PNN50_PERCENT, True)
        ):
            return False
    except (TypeError, ValueError, OverflowError):  # not numbers: the rules judge each
        return False
    if not set(src) <= _SOURCES.keys():
        return False
    steps, activity, interval_s = context
    try:
        if not (_in_bounds(steps, STEPS, True) and _in_bounds(interval_s, INTERVAL_S, True)):
            return False
    except (TypeError, ValueError, OverflowError):
        return False
    if not set(activity) <= _ACTIVITIES:
        return False
    return all(len(r) <= MAX_RR_PER_SAMPLE for r in rr if r)


def _floats(values: list) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def validate_columns(batch: Sequence[RawSample], now: datetime) -> SampleColumns:
    """Every sample valid, as columns, or `ValidationFailed` naming each bad field by index."""
    if not MIN_BATCH <= len(batch) <= MAX_BATCH:
        raise ValidationFailed.single(
            "samples", f"send between {MIN_BATCH} and {MAX_BATCH} samples"
        )
    earliest, latest = now - RAW_RETENTION, now + CLOCK_SKEW
    ts = [s.timestamp for s in batch]
    hr = [s.heart_rate for s in batch]
    src = [s.source for s in batch]
    sdnn = [s.hrv_sdnn for s in batch]
    rmssd = [s.hrv_rmssd for s in batch]
    pnn50 = [s.pnn50 for s in batch]
    rr = [s.rr_intervals_ms for s in batch]
    steps = [s.steps for s in batch]
    activity = [s.activity for s in batch]
    interval_s = [s.interval_s for s in batch]
    if not _all_valid(
        ts, hr, src, sdnn, rmssd, pnn50, rr, (steps, activity, interval_s), earliest, latest
    ):
        _reject(batch, earliest, latest)  # returns only if the rules find nothing wrong
    if not all(t.tzinfo is UTC and not t.microsecond % 1000 for t in ts):
        ts = [_utc_ms(t) for t in ts]
    return SampleColumns(
        timestamps=ts,
        sources=src,
        heart_rate=[float(v) for v in hr],
        hrv_sdnn=_floats(sdnn),
        hrv_rmssd=_floats(rmssd),
        pnn50=_floats(pnn50),
        rr_intervals_ms=[tuple(map(float, r)) if r else () for r in rr],
        steps=_floats(steps),
        activity=activity,
        interval_s=_floats(interval_s),
    )


def _reject(batch: Sequence[RawSample], earliest: datetime, latest: datetime) -> None:
    errors = [e for i, raw in enumerate(batch) for e in _sample_errors(i, raw, earliest, latest)]
    if not errors:
        return
    listed = errors[:MAX_ERRORS_LISTED]  # a broken batch of 1,000 needs no 1,000-line answer
    more = f"; the first {len(listed)} are listed" if len(errors) > len(listed) else ""
    raise ValidationFailed(
        listed,
        message=f"{len(errors)} invalid value(s) in the batch{more}",
        invalid_values=len(errors),
    )


def validate_batch(batch: Sequence[RawSample], now: datetime) -> list[BiometricSample]:
    """Every sample valid, or `ValidationFailed` naming each bad field by index."""
    columns = validate_columns(batch, now)
    return [columns.sample(i) for i in range(len(columns))]
