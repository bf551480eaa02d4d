"""The emotion series in SQL (embedded profile, and Postgres when no MongoDB is configured)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, func, select, text, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.database import Database
from adapters.sql.wellness_models import (
    EMOTION_CONFIDENCE_COLUMNS,
    EMOTION_COUNT_COLUMNS,
    EmotionHourRow,
    EmotionSampleRow,
)
from domain.wellness.emotion import Emotion
from domain.wellness.samples import Source
from domain.wellness.series import (
    EmotionAggregate,
    EmotionPoint,
    Resolution,
    aggregate_points,
)

_samples = EmotionSampleRow.__table__
_hours = EmotionHourRow.__table__
# Postgres: the whole batch in one statement, as arrays (one round trip, no per-row
# parameter sets); SQLite takes the portable executemany path.
_PG_INSERT_NEW = text("""
    INSERT INTO emotion_samples (user_id, timestamp, source, heart_rate, hrv_rmssd, hrv_sdnn,
                                 pnn50, stress_score, emotion, confidence)
    SELECT * FROM unnest(CAST(:user_id AS uuid[]), CAST(:timestamp AS timestamptz[]),
                         CAST(:source AS varchar[]), CAST(:heart_rate AS float8[]),
                         CAST(:hrv_rmssd AS float8[]), CAST(:hrv_sdnn AS float8[]),
                         CAST(:pnn50 AS float8[]), CAST(:stress_score AS int2[]),
                         CAST(:emotion AS varchar[]), CAST(:confidence AS float8[]))
    ON CONFLICT DO NOTHING
    RETURNING user_id::text AS user_id, timestamp, source
""")
_SUMS = ("count", "hr_sum", "rmssd_sum", "ln_rmssd_sum", "rmssd_count", "stress_sum",
         *EMOTION_COUNT_COLUMNS.values(), *EMOTION_CONFIDENCE_COLUMNS.values())


def _sample_row(p: EmotionPoint) -> dict[str, Any]:
    return {"user_id": p.user_id, "timestamp": p.timestamp, "source": p.source.value,
            "heart_rate": p.heart_rate, "hrv_rmssd": p.hrv_rmssd, "hrv_sdnn": p.hrv_sdnn,
            "pnn50": p.pnn50, "stress_score": p.stress_score, "emotion": p.emotion.value,
            "confidence": p.confidence}


def _as_arrays(points: Sequence[EmotionPoint]) -> dict[str, list[Any]]:
    return {
        "user_id": [p.user_id for p in points], "timestamp": [p.timestamp for p in points],
        "source": [p.source.value for p in points],
        "heart_rate": [p.heart_rate for p in points], "hrv_rmssd": [p.hrv_rmssd for p in points],
        "hrv_sdnn": [p.hrv_sdnn for p in points], "pnn50": [p.pnn50 for p in points],
        "stress_score": [p.stress_score for p in points],
        "emotion": [p.emotion.value for p in points],
        "confidence": [p.confidence for p in points]}


def _point(r: Any) -> EmotionPoint:
    return EmotionPoint(user_id=r.user_id, timestamp=r.timestamp, source=Source(r.source),
                        heart_rate=r.heart_rate, hrv_rmssd=r.hrv_rmssd, hrv_sdnn=r.hrv_sdnn,
                        pnn50=r.pnn50, stress_score=r.stress_score, emotion=Emotion(r.emotion),
                        confidence=r.confidence)


def _hour_row(a: EmotionAggregate, sealed: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "user_id": a.user_id, "start": a.start, "count": a.count, "hr_min": a.hr_min,
        "hr_max": a.hr_max, "hr_sum": a.hr_sum, "rmssd_sum": a.rmssd_sum,
        "ln_rmssd_sum": a.ln_rmssd_sum, "rmssd_count": a.rmssd_count,
        "stress_sum": a.stress_sum, "sealed": sealed}
    for label, column in EMOTION_COUNT_COLUMNS.items():
        row[column] = a.emotion_counts.get(label, 0)
    for label, column in EMOTION_CONFIDENCE_COLUMNS.items():
        row[column] = a.emotion_confidence.get(label, 0.0)
    return row


_EMOTION_COLUMNS = [(label, EMOTION_COUNT_COLUMNS[label], EMOTION_CONFIDENCE_COLUMNS[label])
                    for label in EMOTION_COUNT_COLUMNS]


def _aggregate(r: Any) -> EmotionAggregate:
    m = r._mapping
    counts: dict[str, int] = {}
    confidence: dict[str, float] = {}
    for label, n_column, c_column in _EMOTION_COLUMNS:
        n = m[n_column]
        if n:
            counts[label] = n
            confidence[label] = m[c_column]
    return EmotionAggregate(
        user_id=r.user_id, start=r.start, resolution=Resolution.HOUR, count=r.count,
        hr_min=r.hr_min, hr_max=r.hr_max, hr_sum=r.hr_sum, rmssd_sum=r.rmssd_sum,
        ln_rmssd_sum=r.ln_rmssd_sum, rmssd_count=r.rmssd_count, stress_sum=r.stress_sum,
        sealed=r.sealed, emotion_counts=counts, emotion_confidence=confidence)


class SqlEmotionSeries:
    def __init__(self, db: Database) -> None:
        self._db = db
        insert = sqlite_insert if db.is_sqlite else pg_insert
        keys = [_samples.c.user_id, _samples.c.timestamp, _samples.c.source]
        self._insert_new = (insert(_samples).on_conflict_do_nothing(index_elements=keys)
                            .returning(*keys))
        lower, upper = (func.min, func.max) if db.is_sqlite else (func.least, func.greatest)
        add = insert(_hours)
        self._add_to_hour = add.on_conflict_do_update(
            index_elements=[_hours.c.user_id, _hours.c.start],
            set_={**{name: _hours.c[name] + add.excluded[name] for name in _SUMS},
                  "hr_min": lower(_hours.c.hr_min, add.excluded.hr_min),
                  "hr_max": upper(_hours.c.hr_max, add.excluded.hr_max),
                  "sealed": False})
        replace = insert(_hours)
        self._replace_hour = replace.on_conflict_do_update(
            index_elements=[_hours.c.user_id, _hours.c.start],
            set_={c.name: replace.excluded[c.name] for c in _hours.c
                  if c.name not in ("user_id", "start")})

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        if not points:
            return []
        async with self._db.engine.begin() as conn:
            if self._db.is_sqlite:
                result = await conn.execute(self._insert_new, [_sample_row(p) for p in points])
            else:
                result = await conn.execute(_PG_INSERT_NEW, _as_arrays(points))
            stored = {(str(r.user_id), r.timestamp, r.source) for r in result}
            new = [p for p in points
                   if (str(p.user_id), p.timestamp, p.source.value) in stored]
            if new:
                # Same transaction: the hourly aggregates never disagree with the raw rows.
                await conn.execute(self._add_to_hour, [
                    _hour_row(a, sealed=False) for a in aggregate_points(new, Resolution.HOUR)])
        return new

    def _range(self, user_id: UUID, start: datetime, end: datetime):
        return and_(_samples.c.user_id == user_id, _samples.c.timestamp >= start,
                    _samples.c.timestamp < end)

    async def raw(self, user_id: UUID, start: datetime, end: datetime, *, offset: int = 0,
                  limit: int | None = None) -> list[EmotionPoint]:
        stmt = (select(_samples).where(self._range(user_id, start, end))
                .order_by(_samples.c.timestamp, _samples.c.source).offset(offset).limit(limit))
        async with self._db.engine.connect() as conn:
            return [_point(r) for r in await conn.execute(stmt)]

    async def count_raw(self, user_id: UUID, start: datetime, end: datetime) -> int:
        stmt = select(func.count()).select_from(_samples).where(self._range(user_id, start, end))
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).scalar_one()

    async def latest(self, user_id: UUID) -> EmotionPoint | None:
        stmt = (select(_samples).where(_samples.c.user_id == user_id)
                .order_by(_samples.c.timestamp.desc()).limit(1))
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _point(row)

    async def hours(self, user_id: UUID, start: datetime, end: datetime, *, offset: int = 0,
                    limit: int | None = None) -> list[EmotionAggregate]:
        stmt = (select(_hours).where(_hours.c.user_id == user_id, _hours.c.start >= start,
                                     _hours.c.start < end)
                .order_by(_hours.c.start).offset(offset).limit(limit))
        async with self._db.engine.connect() as conn:
            return [_aggregate(r) for r in await conn.execute(stmt)]

    async def count_hours(self, user_id: UUID, start: datetime, end: datetime) -> int:
        stmt = select(func.count()).select_from(_hours).where(
            _hours.c.user_id == user_id, _hours.c.start >= start, _hours.c.start < end)
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).scalar_one()

    async def unsealed_hours(self, before: datetime, limit: int) -> list[tuple[UUID, datetime]]:
        stmt = (select(_hours.c.user_id, _hours.c.start)
                .where(_hours.c.sealed.is_(False), _hours.c.start < before)
                .order_by(_hours.c.start, _hours.c.user_id).limit(limit))
        async with self._db.engine.connect() as conn:
            return [(r.user_id, r.start) for r in await conn.execute(stmt)]

    async def seal_hour(self, aggregate: EmotionAggregate) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(self._replace_hour, [_hour_row(aggregate, sealed=True)])

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        keys = (select(_samples.c.user_id, _samples.c.timestamp, _samples.c.source)
                .where(_samples.c.timestamp < cutoff).order_by(_samples.c.timestamp)
                .limit(limit))
        stmt = delete(_samples).where(
            tuple_(_samples.c.user_id, _samples.c.timestamp, _samples.c.source).in_(keys))
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount

    async def delete_user(self, user_id: UUID) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_samples).where(_samples.c.user_id == user_id))
            await conn.execute(delete(_hours).where(_hours.c.user_id == user_id))
