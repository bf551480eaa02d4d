"""The emotion series in SQL (embedded profile, and Postgres when no MongoDB is configured).

`SqlEmotionSeries` is SQLAlchemy Core on either dialect (SQLite uses it as it is).
`PostgresEmotionSeries` overrides the hot paths: they skip SQLAlchemy's per-statement
machinery and talk to the pooled asyncpg connection directly (`pg_direct`), with
prepared statements. `sql_emotion_series(db)` picks the class for the database:
- ingestion (`add_columns`, and `add`): one statement inserts the batch (`unnest` of
  arrays, ON CONFLICT DO NOTHING on the idempotency key) and folds exactly the rows it
  inserted into the hourly aggregates (a data-modifying CTE); in the same transaction
  the hours it changed get their reading judged again (`reading_*` columns);
- `hour_readings` (`EmotionHourReadings`, the emotions page's read side): one indexed
  range read of those readings, the page and its total.
SQLite goes through SQLAlchemy Core and judges hours when they are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, delete, func, select, tuple_

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.pg_direct import pg_connection, std_uuid
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
    EmotionReading,
    PointColumns,
    Resolution,
    StoredPoints,
    aggregate_points,
    bucket_start,
    sealed_hour,
)

_samples = EmotionSampleRow.__table__
_hours = EmotionHourRow.__table__
_REST_SUMS = ("rest_count", "rest_hr_sum", "ln_rmssd_sq_sum")
_SUMS = (
    "count",
    "hr_sum",
    "rmssd_sum",
    "ln_rmssd_sum",
    "rmssd_count",
    "stress_sum",
    *EMOTION_COUNT_COLUMNS.values(),
    *EMOTION_CONFIDENCE_COLUMNS.values(),
    *_REST_SUMS,
)
_READING = (
    "reading_emotion",
    "reading_confidence",
    "reading_stress",
    "reading_heart_rate",
    "reading_hrv_rmssd",
)
_EMOTIONS = {e.value: e for e in Emotion}
HOUR = timedelta(hours=1)

# --- Postgres statements (identifiers and fixed fragments only; every value is a parameter)

# An hourly aggregate by position: see `_aggregate_of`.
_AGGREGATE_COLUMNS = ", ".join(
    [
        "user_id",
        "start",
        "count",
        "hr_min",
        "hr_max",
        "hr_sum",
        "rmssd_sum",
        "ln_rmssd_sum",
        "rmssd_count",
        "stress_sum",
        "sealed",
        *EMOTION_COUNT_COLUMNS.values(),
        *EMOTION_CONFIDENCE_COLUMNS.values(),
        *_REST_SUMS,
    ]
)


def _hour_fold(sealed: str) -> str:
    """Raw sample rows (a GROUP BY of `emotion_samples` columns) folded into one hour's
    aggregate columns: `_AGGREGATE_COLUMNS` after user_id and start."""
    rest = "FILTER (WHERE emotion <> 'active')"  # activity says nothing about stress
    counts = ", ".join(f"count(*) FILTER (WHERE emotion = '{e.value}')" for e in Emotion)
    sums = ", ".join(
        f"coalesce(sum(confidence) FILTER (WHERE emotion = '{e.value}'), 0)" for e in Emotion
    )
    return f"""
        count(*), min(heart_rate), max(heart_rate), sum(heart_rate),
        coalesce(sum(hrv_rmssd) {rest}, 0), coalesce(sum(ln(hrv_rmssd)) {rest}, 0),
        count(hrv_rmssd) {rest}, coalesce(sum(stress_score) {rest}, 0), {sealed},
        {counts}, {sums}, count(*) {rest}, coalesce(sum(heart_rate) {rest}, 0),
        coalesce(sum(ln(hrv_rmssd) * ln(hrv_rmssd)) {rest}, 0)
    """


def _pg_add(user: str, rows: str, final: str) -> str:
    """Insert a batch and fold the rows actually inserted into their hours, atomically.

    Hours are upserted in (user, start) order, so concurrent batches lock shared hours
    in the same order; their readings are cleared, to be judged again by the caller in
    the same transaction. `date_trunc` works on the UTC wall clock whatever the
    session's time zone.
    """
    add = ", ".join(f"{c} = h.{c} + excluded.{c}" for c in _SUMS)
    clear = ", ".join(f"{c} = NULL" for c in _READING)
    return f"""
    WITH new AS (
        INSERT INTO emotion_samples (user_id, timestamp, source, heart_rate, hrv_rmssd,
                                     hrv_sdnn, pnn50, stress_score, emotion, confidence,
                                     artefact_share, steps, activity, interval_s)
        SELECT {rows}
        ON CONFLICT DO NOTHING
        RETURNING user_id, timestamp, source, heart_rate, hrv_rmssd, stress_score, emotion,
                  confidence
    ), folded AS (
        INSERT INTO emotion_hourly AS h (user_id, start, count, hr_min, hr_max, hr_sum,
                                         rmssd_sum, ln_rmssd_sum, rmssd_count, stress_sum,
                                         sealed, {", ".join(EMOTION_COUNT_COLUMNS.values())},
                                         {", ".join(EMOTION_CONFIDENCE_COLUMNS.values())},
                                         {", ".join(_REST_SUMS)})
        SELECT {user}, date_trunc('hour', timestamp AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
               {_hour_fold("false")}
        FROM new GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (user_id, start) DO UPDATE SET {add},
            hr_min = least(h.hr_min, excluded.hr_min),
            hr_max = greatest(h.hr_max, excluded.hr_max), sealed = false, {clear}
        RETURNING {_AGGREGATE_COLUMNS}
    )
    {final}
    """  # noqa: S608


_ARRAYS = (
    "$2::timestamptz[], $3::varchar[], $4::float8[], $5::float8[], $6::float8[], "
    "$7::float8[], $8::int2[], $9::varchar[], $10::float8[], $11::float8[], "
    "$12::float8[], $13::varchar[], $14::float8[]"
)
# One user's batch as columns: the user once, the rest as arrays; sources and emotions
# (closed vocabularies, no commas) as comma-joined text, which costs nothing to encode.
# Returns the hours it changed, each with how many points were new.
_PG_ADD_COLUMNS = _pg_add(
    "$1::uuid",
    "$1::uuid, s.* FROM unnest("
    + _ARRAYS.replace("$3::varchar[]", "string_to_array($3::text, ',')")
    .replace("$9::varchar[]", "string_to_array($9::text, ',')")
    .replace("$13::varchar[]", "string_to_array($13::text, ',', '')")
    + ") AS s",
    "SELECT folded.*, (SELECT count(*) FROM new)::int AS stored FROM folded",
)
# Points of any users (the user per row too). Returns the keys of the new points.
_PG_ADD_POINTS = _pg_add(
    "user_id",
    f"* FROM unnest($1::uuid[], {_ARRAYS})",
    "SELECT user_id::text AS user_id, timestamp, source FROM new",
)
_PG_HOURS_AT = f"""
    SELECT {_AGGREGATE_COLUMNS} FROM emotion_hourly
    WHERE (user_id, start) IN (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]))
"""  # noqa: S608
_PG_JUDGE = f"""
    UPDATE emotion_hourly AS h SET {", ".join(f"{c} = v.{c}" for c in _READING)}
    FROM unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::float8[], $5::int2[],
                $6::float8[], $7::float8[]) AS v(user_id, start, {", ".join(_READING)})
    WHERE h.user_id = v.user_id AND h.start = v.start
"""  # noqa: S608
_HOUR_RANGE = "user_id = $1 AND start >= $2 AND start < $3"
_PG_HOURS = f"""
    SELECT {_AGGREGATE_COLUMNS} FROM emotion_hourly WHERE {_HOUR_RANGE} ORDER BY start
"""  # noqa: S608
_PG_HOUR_READINGS = f"""
    SELECT start, {", ".join(_READING)},
           (SELECT count(*) FROM emotion_hourly WHERE {_HOUR_RANGE}) AS total
    FROM emotion_hourly WHERE {_HOUR_RANGE} ORDER BY start OFFSET $4 LIMIT $5
"""  # noqa: S608
_PG_HOUR_COUNT = f"SELECT count(*) FROM emotion_hourly WHERE {_HOUR_RANGE}"  # noqa: S608

# Retention. A batch of the oldest unsealed hours is locked (SKIP LOCKED: an hour that
# ingestion holds waits for a later batch, and concurrent jobs share the work) and each
# comes back as `sealed_hour` makes it: recomputed from its raw rows where they are
# exactly the points it counts, else as kept. The hour is the locked, latest version of
# its row, so a point committed after this statement's snapshot shows as a count its raw
# rows do not reach: the hour is kept with it, never recomputed without it.
_PG_DUE_HOURS = f"""
    WITH due AS MATERIALIZED (
        SELECT {_AGGREGATE_COLUMNS} FROM emotion_hourly
        WHERE sealed = false AND start < $1 ORDER BY start LIMIT $2
        FOR UPDATE SKIP LOCKED
    ), fresh AS (
        SELECT d.user_id, d.start, {_hour_fold("true")}
        FROM due AS d JOIN emotion_samples AS s ON s.user_id = d.user_id
            AND s.timestamp >= d.start AND s.timestamp < d.start + interval '1 hour'
        GROUP BY d.user_id, d.start, d.count HAVING count(*) = d.count
    )
    SELECT * FROM fresh
    UNION ALL
    SELECT * FROM due AS d
    WHERE NOT EXISTS (SELECT FROM fresh AS f WHERE f.user_id = d.user_id AND f.start = d.start)
"""  # noqa: S608
# Every column of a sealed hour after its key, with its array type, in `_sealed_arrays` order.
_SEALED_TYPES = [
    ("count", "int4"),
    *((c, "float8") for c in ("hr_min", "hr_max", "hr_sum", "rmssd_sum", "ln_rmssd_sum")),
    ("rmssd_count", "int4"),
    ("stress_sum", "float8"),
    ("sealed", "bool"),
    *((c, "int4") for c in EMOTION_COUNT_COLUMNS.values()),
    *((c, "float8") for c in EMOTION_CONFIDENCE_COLUMNS.values()),
    ("rest_count", "int4"),
    ("rest_hr_sum", "float8"),
    ("ln_rmssd_sq_sum", "float8"),
    ("reading_emotion", "varchar"),
    ("reading_confidence", "float8"),
    ("reading_stress", "int2"),
    ("reading_heart_rate", "float8"),
    ("reading_hrv_rmssd", "float8"),
]
_PG_SEAL = f"""
    UPDATE emotion_hourly AS h SET {", ".join(f"{c} = v.{c}" for c, _ in _SEALED_TYPES)}
    FROM unnest($1::uuid[], $2::timestamptz[],
                {", ".join(f"${i}::{t}[]" for i, (_, t) in enumerate(_SEALED_TYPES, 3))})
         AS v(user_id, start, {", ".join(c for c, _ in _SEALED_TYPES)})
    WHERE h.user_id = v.user_id AND h.start = v.start
"""  # noqa: S608
# The oldest raw rows by the timestamp index, from where the previous batch stopped,
# deleted by their physical address: a batch reads one index range and its own rows,
# never the table. Returns how many went and the newest of them.
_PG_DELETE_RAW = """
    WITH gone AS (
        DELETE FROM emotion_samples WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM emotion_samples WHERE timestamp >= $1 AND timestamp < $2
            ORDER BY timestamp LIMIT $3))
        RETURNING timestamp
    )
    SELECT count(*)::int, max(timestamp) FROM gone
"""
_BEGINNING = datetime(1, 1, 1, tzinfo=UTC)
_LABELS = [e.value for e in Emotion]
_K = len(_LABELS)


def _aggregate_of(r: Any) -> EmotionAggregate:
    """A row of `_AGGREGATE_COLUMNS` (by position) as an hourly aggregate."""
    counts: dict[str, int] = {}
    confidence: dict[str, float] = {}
    for i, label in enumerate(_LABELS):
        n = r[11 + i]
        if n:
            counts[label] = n
            confidence[label] = r[11 + _K + i]
    rest = 11 + 2 * _K
    return EmotionAggregate(
        user_id=std_uuid(r[0]),
        start=r[1],
        resolution=Resolution.HOUR,
        count=r[2],
        hr_min=r[3],
        hr_max=r[4],
        hr_sum=r[5],
        rmssd_sum=r[6],
        ln_rmssd_sum=r[7],
        rmssd_count=r[8],
        stress_sum=r[9],
        sealed=r[10],
        emotion_counts=counts,
        emotion_confidence=confidence,
        rest_count=r[rest],
        rest_hr_sum=r[rest + 1],
        ln_rmssd_sq_sum=r[rest + 2],
    )


async def _judge(pg: Any, aggregates: Sequence[EmotionAggregate]) -> None:
    """Store each hour's reading, judged from the sums just written (same transaction)."""
    if not aggregates:
        return
    await pg.execute(
        _PG_JUDGE,
        [a.user_id for a in aggregates],
        [a.start for a in aggregates],
        *_reading_arrays(aggregates),
    )


def _reading_arrays(hours: Sequence[EmotionAggregate]) -> list[list[Any]]:
    """Each hour's reading, judged from its sums, as the stored reading columns."""
    readings = [h.reading() for h in hours]
    return [
        [r.emotion.value for r in readings],
        [r.confidence for r in readings],
        [r.stress_score for r in readings],
        [r.heart_rate for r in readings],
        [r.hrv_rmssd for r in readings],
    ]


def _sealed_arrays(hours: Sequence[EmotionAggregate]) -> list[list[Any]]:
    """`_PG_SEAL`'s parameters: the hours, sealed and judged, as columns."""
    return [
        [h.user_id for h in hours],
        [h.start for h in hours],
        [h.count for h in hours],
        [h.hr_min for h in hours],
        [h.hr_max for h in hours],
        [h.hr_sum for h in hours],
        [h.rmssd_sum for h in hours],
        [h.ln_rmssd_sum for h in hours],
        [h.rmssd_count for h in hours],
        [h.stress_sum for h in hours],
        [True] * len(hours),
        *([h.emotion_counts.get(label, 0) for h in hours] for label in _LABELS),
        *([h.emotion_confidence.get(label, 0.0) for h in hours] for label in _LABELS),
        [h.rest_count for h in hours],
        [h.rest_hr_sum for h in hours],
        [h.ln_rmssd_sq_sum for h in hours],
        *_reading_arrays(hours),
    ]


def _sample_row(p: EmotionPoint) -> dict[str, Any]:
    return {
        "user_id": p.user_id,
        "timestamp": p.timestamp,
        "source": p.source.value,
        "heart_rate": p.heart_rate,
        "hrv_rmssd": p.hrv_rmssd,
        "hrv_sdnn": p.hrv_sdnn,
        "pnn50": p.pnn50,
        "stress_score": p.stress_score,
        "emotion": p.emotion.value,
        "confidence": p.confidence,
        "artefact_share": p.artefact_share,
        "steps": p.steps,
        "activity": p.activity,
        "interval_s": p.interval_s,
    }


def _point_arrays(points: Sequence[EmotionPoint]) -> list[list[Any]]:
    return [
        [p.user_id for p in points],
        [p.timestamp for p in points],
        [p.source.value for p in points],
        [p.heart_rate for p in points],
        [p.hrv_rmssd for p in points],
        [p.hrv_sdnn for p in points],
        [p.pnn50 for p in points],
        [p.stress_score for p in points],
        [p.emotion.value for p in points],
        [p.confidence for p in points],
        [p.artefact_share for p in points],
        [p.steps for p in points],
        [p.activity for p in points],
        [p.interval_s for p in points],
    ]


def _point(r: Any) -> EmotionPoint:
    return EmotionPoint(
        user_id=r.user_id,
        timestamp=r.timestamp,
        source=Source(r.source),
        heart_rate=r.heart_rate,
        hrv_rmssd=r.hrv_rmssd,
        hrv_sdnn=r.hrv_sdnn,
        pnn50=r.pnn50,
        stress_score=r.stress_score,
        emotion=Emotion(r.emotion),
        confidence=r.confidence,
        artefact_share=r.artefact_share,
        steps=r.steps,
        activity=r.activity,
        interval_s=r.interval_s,
    )


def _hour_row(a: EmotionAggregate, sealed: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "user_id": a.user_id,
        "start": a.start,
        "count": a.count,
        "hr_min": a.hr_min,
        "hr_max": a.hr_max,
        "hr_sum": a.hr_sum,
        "rmssd_sum": a.rmssd_sum,
        "ln_rmssd_sum": a.ln_rmssd_sum,
        "rmssd_count": a.rmssd_count,
        "stress_sum": a.stress_sum,
        "sealed": sealed,
        "rest_count": a.rest_count,
        "rest_hr_sum": a.rest_hr_sum,
        "ln_rmssd_sq_sum": a.ln_rmssd_sq_sum,
    }
    for label, column in EMOTION_COUNT_COLUMNS.items():
        row[column] = a.emotion_counts.get(label, 0)
    for label, column in EMOTION_CONFIDENCE_COLUMNS.items():
        row[column] = a.emotion_confidence.get(label, 0.0)
    return row


def _judged_hour_row(a: EmotionAggregate, sealed: bool) -> dict[str, Any]:
    r = a.reading()
    return {
        **_hour_row(a, sealed),
        "reading_emotion": r.emotion.value,
        "reading_confidence": r.confidence,
        "reading_stress": r.stress_score,
        "reading_heart_rate": r.heart_rate,
        "reading_hrv_rmssd": r.hrv_rmssd,
    }


_EMOTION_COLUMNS = [
    (label, EMOTION_COUNT_COLUMNS[label], EMOTION_CONFIDENCE_COLUMNS[label])
    for label in EMOTION_COUNT_COLUMNS
]


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
        user_id=r.user_id,
        start=r.start,
        resolution=Resolution.HOUR,
        count=r.count,
        hr_min=r.hr_min,
        hr_max=r.hr_max,
        hr_sum=r.hr_sum,
        rmssd_sum=r.rmssd_sum,
        ln_rmssd_sum=r.ln_rmssd_sum,
        rmssd_count=r.rmssd_count,
        stress_sum=r.stress_sum,
        sealed=r.sealed,
        emotion_counts=counts,
        emotion_confidence=confidence,
        rest_count=r.rest_count,
        rest_hr_sum=r.rest_hr_sum,
        ln_rmssd_sq_sum=r.ln_rmssd_sq_sum,
    )


@translates_failures(DATABASE)
class SqlEmotionSeries:
    def __init__(self, db: Database) -> None:
        self._db = db
        insert = db.insert
        keys = [_samples.c.user_id, _samples.c.timestamp, _samples.c.source]
        self._insert_new = (
            insert(_samples).on_conflict_do_nothing(index_elements=keys).returning(*keys)
        )
        lower, upper = db.least, db.greatest
        add = insert(_hours)
        self._add_to_hour = add.on_conflict_do_update(
            index_elements=[_hours.c.user_id, _hours.c.start],
            set_={
                **{name: _hours.c[name] + add.excluded[name] for name in _SUMS},
                "hr_min": lower(_hours.c.hr_min, add.excluded.hr_min),
                "hr_max": upper(_hours.c.hr_max, add.excluded.hr_max),
                "sealed": False,
                **dict.fromkeys(_READING),
            },
        )  # sums changed: not judged
        replace = insert(_hours)
        self._replace_hour = replace.on_conflict_do_update(
            index_elements=[_hours.c.user_id, _hours.c.start],
            set_={
                c.name: replace.excluded[c.name]
                for c in _hours.c
                if c.name not in ("user_id", "start")
            },
        )

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        if not points:
            return []
        async with self._db.engine.begin() as conn:
            result = await conn.execute(self._insert_new, [_sample_row(p) for p in points])
            stored = {(str(r.user_id), r.timestamp, r.source) for r in result}
            new = [p for p in points if (str(p.user_id), p.timestamp, p.source.value) in stored]
            if new:
                # Same transaction: the hourly aggregates never disagree with the raw rows.
                await conn.execute(
                    self._add_to_hour,
                    [_hour_row(a, sealed=False) for a in aggregate_points(new, Resolution.HOUR)],
                )
        return new

    async def add_columns(self, points: PointColumns) -> StoredPoints:
        if not len(points):
            return StoredPoints(0, frozenset())
        return StoredPoints.of(await self.add(points.points()))

    def _range(self, user_id: UUID, start: datetime, end: datetime):
        return and_(
            _samples.c.user_id == user_id, _samples.c.timestamp >= start, _samples.c.timestamp < end
        )

    async def raw(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[EmotionPoint]:
        stmt = (
            select(_samples)
            .where(self._range(user_id, start, end))
            .order_by(_samples.c.timestamp, _samples.c.source)
            .offset(offset)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [_point(r) for r in await conn.execute(stmt)]

    async def count_raw(self, user_id: UUID, start: datetime, end: datetime) -> int:
        stmt = select(func.count()).select_from(_samples).where(self._range(user_id, start, end))
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).scalar_one()

    async def latest(self, user_id: UUID) -> EmotionPoint | None:
        stmt = (
            select(_samples)
            .where(_samples.c.user_id == user_id)
            .order_by(_samples.c.timestamp.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _point(row)

    async def hours(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionAggregate]:
        async with self._db.engine.connect() as conn:
            return [_aggregate(r) for r in await conn.execute(self._hours_in(user_id, start, end))]

    @staticmethod
    def _hours_in(user_id: UUID, start: datetime, end: datetime) -> Select[Any]:
        return (
            select(_hours)
            .where(_hours.c.user_id == user_id, _hours.c.start >= start, _hours.c.start < end)
            .order_by(_hours.c.start)
        )

    async def hour_readings(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[EmotionReading], int]:
        # Hours are judged when read (no `reading_*` kept here).
        stmt = self._hours_in(user_id, start, end)
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
        async with self._db.engine.connect() as conn:
            page = await conn.execute(stmt.offset(offset).limit(limit))
            readings = [_aggregate(r).reading() for r in page]
            return readings, (await conn.execute(count)).scalar_one()

    async def unsealed_hours(self, before: datetime, limit: int) -> list[tuple[UUID, datetime]]:
        stmt = (
            select(_hours.c.user_id, _hours.c.start)
            .where(_hours.c.sealed.is_(False), _hours.c.start < before)
            .order_by(_hours.c.start, _hours.c.user_id)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [(r.user_id, r.start) for r in await conn.execute(stmt)]

    async def seal_hour(self, aggregate: EmotionAggregate) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(self._replace_hour, [_judged_hour_row(aggregate, sealed=True)])

    async def seal_hours(self, before: datetime, limit: int) -> int:
        due = (
            select(_hours)
            .where(_hours.c.sealed.is_(False), _hours.c.start < before)
            .order_by(_hours.c.start, _hours.c.user_id)
            .limit(limit)
        )
        # One transaction: on SQLite a point stored after these reads makes the write fail
        # (the job runs again) rather than seal an hour without it.
        async with self._db.engine.begin() as conn:
            hours = [_aggregate(r) for r in await conn.execute(due)]
            sealed = []
            for hour in hours:
                stmt = (
                    select(_samples)
                    .where(self._range(hour.user_id, hour.start, hour.start + HOUR))
                    .order_by(_samples.c.timestamp, _samples.c.source)
                )
                points = [_point(r) for r in await conn.execute(stmt)]
                sealed.append(_judged_hour_row(sealed_hour(hour, points), sealed=True))
            if sealed:
                await conn.execute(self._replace_hour, sealed)
        return len(sealed)

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        keys = (
            select(_samples.c.user_id, _samples.c.timestamp, _samples.c.source)
            .where(_samples.c.timestamp < cutoff)
            .order_by(_samples.c.timestamp)
            .limit(limit)
        )
        stmt = delete(_samples).where(
            tuple_(_samples.c.user_id, _samples.c.timestamp, _samples.c.source).in_(keys)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount

    async def delete_user(self, user_id: UUID) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_samples).where(_samples.c.user_id == user_id))
            await conn.execute(delete(_hours).where(_hours.c.user_id == user_id))


@translates_failures(DATABASE)
class PostgresEmotionSeries(SqlEmotionSeries):
    """The same series on PostgreSQL, with the ingestion and hourly-read fast paths on
    asyncpg directly: an hour is judged when its sums change, not on every read."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        # (cutoff, newest raw timestamp deleted before it): where retention's next batch starts
        self._deleted_to: tuple[datetime | None, datetime] = (None, _BEGINNING)

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        if not points:
            return []
        async with pg_connection(self._db) as pg, pg.transaction():
            rows = await pg.fetch(_PG_ADD_POINTS, *_point_arrays(points))
            stored = {(r[0], r[1], r[2]) for r in rows}
            new = [p for p in points if (str(p.user_id), p.timestamp, p.source.value) in stored]
            touched = {(p.user_id, bucket_start(p.timestamp, Resolution.HOUR)) for p in new}
            if touched:
                users, starts = zip(*sorted(touched, key=lambda k: (str(k[0]), k[1])), strict=True)
                hours = await pg.fetch(_PG_HOURS_AT, list(users), list(starts))
                await _judge(pg, [_aggregate_of(r) for r in hours])
        return new

    async def add_columns(self, points: PointColumns) -> StoredPoints:
        if not len(points):
            return StoredPoints(0, frozenset())
        async with pg_connection(self._db) as pg, pg.transaction():
            rows = await pg.fetch(
                _PG_ADD_COLUMNS,
                points.user_id,
                points.timestamps,
                ",".join(points.sources),
                points.heart_rate,
                points.hrv_rmssd,
                points.hrv_sdnn,
                points.pnn50,
                points.stress_score,
                ",".join(points.emotion),
                points.confidence,
                # a column no sample carried is NULL: unnest pads it with NULLs
                points.artefact_share,
                points.steps,
                None if points.activity is None else ",".join(a or "" for a in points.activity),
                points.interval_s,
            )
            hours = [_aggregate_of(r) for r in rows]
            await _judge(pg, hours)
        # The hours changed are exactly those of the new points: their days are the days.
        return StoredPoints(
            rows[0]["stored"] if rows else 0, frozenset(h.start.date() for h in hours)
        )

    async def hours(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionAggregate]:
        async with pg_connection(self._db) as pg:
            rows = await pg.fetch(_PG_HOURS, user_id, start, end)
        return [_aggregate_of(r) for r in rows]

    async def seal_hours(self, before: datetime, limit: int) -> int:
        async with pg_connection(self._db) as pg, pg.transaction():
            hours = [_aggregate_of(r) for r in await pg.fetch(_PG_DUE_HOURS, before, limit)]
            if hours:
                await pg.execute(_PG_SEAL, *_sealed_arrays(hours))
        return len(hours)

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        # The index entries of the rows earlier batches deleted stay until VACUUM; a batch
        # that started from the beginning would walk them all again (a run of 1,000
        # batches: ~500 times a batch's own entries). So a batch starts where the previous
        # one with the same cutoff stopped: every older row before the cutoff is gone,
        # and ingestion accepts none that old.
        floor = self._deleted_to[1] if self._deleted_to[0] == cutoff else _BEGINNING
        async with pg_connection(self._db) as pg:
            count, newest = await pg.fetchrow(_PG_DELETE_RAW, floor, cutoff, limit)
        if newest is not None:
            self._deleted_to = (cutoff, newest)
        return count

    async def hour_readings(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[EmotionReading], int]:
        async with pg_connection(self._db) as pg:
            rows = await pg.fetch(_PG_HOUR_READINGS, user_id, start, end, offset, limit)
            if rows:
                total = rows[0][6]
            elif offset:  # a page past the end: the total still counts
                total = await pg.fetchval(_PG_HOUR_COUNT, user_id, start, end)
            else:
                total = 0
            unjudged = [r[0] for r in rows if r[1] is None]
            judged_now = {}
            if unjudged:  # written before readings were kept: judge the sums here
                found = await pg.fetch(_PG_HOURS_AT, [user_id] * len(unjudged), unjudged)
                judged_now = {a.start: a.reading() for a in map(_aggregate_of, found)}
        emotions, reading = _EMOTIONS, EmotionReading._make
        return [
            reading((r[0], emotions[r[1]], r[2], r[3], r[4], r[5]))
            if r[1] is not None
            else judged_now[r[0]]
            for r in rows
        ], total


def sql_emotion_series(db: Database) -> SqlEmotionSeries:
    """The series for this database's dialect."""
    return SqlEmotionSeries(db) if db.is_sqlite else PostgresEmotionSeries(db)
