"""The emotion series on MongoDB (production profile with PSI_MONGODB_URI).

- `emotion_samples`: a time-series collection (timeField `timestamp`, metaField
  `meta` = {user_id, source}), index on (meta.user_id, timestamp), TTL 90 days.
  Time-series collections allow no unique index, so idempotency lives in
- `emotion_sample_keys`: one document per (user, source, timestamp) with that key
  as `_id` (unique by nature), TTL 90 days like the samples it guards.
- `emotion_hourly`: hourly aggregates, unique (user_id, start); ingestion adds to
  them with `$inc`/`$min`/`$max`, the downsampling job replaces and seals them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DESCENDING, ReplaceOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, CollectionInvalid, OperationFailure

from adapters.failures import translates_failures
from adapters.mongo.failures import MONGODB
from adapters.mongo.setup import Once
from domain.wellness.emotion import Emotion
from domain.wellness.samples import RAW_RETENTION, Source
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

SAMPLES = "emotion_samples"
KEYS = "emotion_sample_keys"
HOURLY = "emotion_hourly"
TTL_SECONDS = int(RAW_RETENTION / timedelta(seconds=1))
DUPLICATE_KEY = 11000
HOUR = timedelta(hours=1)
NAMESPACE_EXISTS = 48


def _key(p: EmotionPoint) -> str:
    return f"{p.user_id}:{p.source.value}:{p.timestamp.isoformat()}"


def _sample_doc(p: EmotionPoint) -> dict[str, Any]:
    return {
        "timestamp": p.timestamp,
        "meta": {"user_id": str(p.user_id), "source": p.source.value},
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


def _point(d: dict[str, Any]) -> EmotionPoint:
    return EmotionPoint(
        user_id=UUID(d["meta"]["user_id"]),
        timestamp=d["timestamp"],
        source=Source(d["meta"]["source"]),
        heart_rate=d["heart_rate"],
        hrv_rmssd=d.get("hrv_rmssd"),
        hrv_sdnn=d.get("hrv_sdnn"),
        pnn50=d.get("pnn50"),
        stress_score=d["stress_score"],
        emotion=Emotion(d["emotion"]),
        confidence=d["confidence"],
        artefact_share=d.get("artefact_share"),
        steps=d.get("steps"),
        activity=d.get("activity"),
        interval_s=d.get("interval_s"),
    )


def _sums(a: EmotionAggregate) -> dict[str, Any]:
    sums: dict[str, Any] = {
        "count": a.count,
        "hr_sum": a.hr_sum,
        "rmssd_sum": a.rmssd_sum,
        "ln_rmssd_sum": a.ln_rmssd_sum,
        "rmssd_count": a.rmssd_count,
        "stress_sum": a.stress_sum,
        "rest_count": a.rest_count,
        "rest_hr_sum": a.rest_hr_sum,
        "ln_rmssd_sq_sum": a.ln_rmssd_sq_sum,
    }
    for label, n in a.emotion_counts.items():
        sums[f"emotion_counts.{label}"] = n
    for label, c in a.emotion_confidence.items():
        sums[f"emotion_confidence.{label}"] = c
    return sums


def _hour_doc(a: EmotionAggregate, sealed: bool) -> dict[str, Any]:
    return {
        "user_id": str(a.user_id),
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
        "emotion_counts": dict(a.emotion_counts),
        "emotion_confidence": dict(a.emotion_confidence),
    }


def _aggregate(d: dict[str, Any]) -> EmotionAggregate:
    return EmotionAggregate(
        user_id=UUID(d["user_id"]),
        start=d["start"],
        resolution=Resolution.HOUR,
        count=d["count"],
        hr_min=d["hr_min"],
        hr_max=d["hr_max"],
        hr_sum=d["hr_sum"],
        rmssd_sum=d["rmssd_sum"],
        ln_rmssd_sum=d["ln_rmssd_sum"],
        rmssd_count=d["rmssd_count"],
        stress_sum=d["stress_sum"],
        sealed=d.get("sealed", False),
        # documents from before activity was known: every point was at rest
        rest_count=d.get("rest_count", d["count"]),
        rest_hr_sum=d.get("rest_hr_sum", d["hr_sum"]),
        ln_rmssd_sq_sum=d.get(
            "ln_rmssd_sq_sum",
            d["ln_rmssd_sum"] ** 2 / d["rmssd_count"] if d["rmssd_count"] else 0.0,
        ),
        emotion_counts=dict(d.get("emotion_counts", {})),
        emotion_confidence=dict(d.get("emotion_confidence", {})),
    )


@translates_failures(MONGODB)
class MongoEmotionSeries:
    def __init__(self, db: AsyncDatabase) -> None:
        self._db = db
        self._samples = db[SAMPLES]
        self._keys = db[KEYS]
        self._hourly = db[HOURLY]
        # The time-series collection and every index, once per process.
        self.ensure_collections = Once(self._create_collections)

    async def _create_collections(self) -> None:
        try:
            await self._db.create_collection(
                SAMPLES,
                timeseries={
                    "timeField": "timestamp",
                    "metaField": "meta",
                    "granularity": "minutes",
                },
                expireAfterSeconds=TTL_SECONDS,
            )
        except CollectionInvalid:
            pass  # created by another process or an earlier start
        except OperationFailure as exc:
            if exc.code != NAMESPACE_EXISTS:
                raise
        await self._samples.create_index(
            [("meta.user_id", ASCENDING), ("timestamp", ASCENDING)], name="user_timestamp"
        )
        await self._keys.create_index(
            [("ts", ASCENDING)], name="ttl_90_days", expireAfterSeconds=TTL_SECONDS
        )
        await self._keys.create_index([("u", ASCENDING)], name="user")
        await self._hourly.create_index(
            [("user_id", ASCENDING), ("start", ASCENDING)], unique=True, name="user_start_unique"
        )
        await self._hourly.create_index(
            [("sealed", ASCENDING), ("start", ASCENDING)], name="sealed_start"
        )

    async def add(self, points: Sequence[EmotionPoint]) -> list[EmotionPoint]:
        await self.ensure_collections()
        if not points:
            return []
        keys = [{"_id": _key(p), "u": str(p.user_id), "ts": p.timestamp} for p in points]
        duplicates: set[int] = set()
        try:
            await self._keys.insert_many(keys, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            duplicates = {e["index"] for e in errors}
        new = [p for i, p in enumerate(points) if i not in duplicates]
        if not new:
            return []
        try:
            await self._samples.insert_many([_sample_doc(p) for p in new], ordered=True)
        except Exception:
            # Release the keys, or a retry of this batch would be taken for a duplicate.
            await self._keys.delete_many({"_id": {"$in": [_key(p) for p in new]}})
            raise
        await self._hourly.bulk_write(
            [
                UpdateOne(
                    {"user_id": str(a.user_id), "start": a.start},
                    {
                        "$inc": _sums(a),
                        "$min": {"hr_min": a.hr_min},
                        "$max": {"hr_max": a.hr_max},
                        "$set": {"sealed": False},
                    },
                    upsert=True,
                )
                for a in aggregate_points(new, Resolution.HOUR)
            ],
            ordered=False,
        )
        return new

    async def add_columns(self, points: PointColumns) -> StoredPoints:
        return StoredPoints.of(await self.add(points.points()))

    @staticmethod
    def _range(user_id: UUID, start: datetime, end: datetime) -> dict[str, Any]:
        return {"meta.user_id": str(user_id), "timestamp": {"$gte": start, "$lt": end}}

    async def raw(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[EmotionPoint]:
        await self.ensure_collections()
        cursor = (
            self._samples.find(self._range(user_id, start, end), {"_id": 0})
            .sort([("timestamp", ASCENDING), ("meta.source", ASCENDING)])
            .skip(offset)
        )
        if limit is not None:
            cursor = cursor.limit(limit)
        return [_point(d) async for d in cursor]

    async def count_raw(self, user_id: UUID, start: datetime, end: datetime) -> int:
        await self.ensure_collections()
        return await self._samples.count_documents(self._range(user_id, start, end))

    async def latest(self, user_id: UUID) -> EmotionPoint | None:
        await self.ensure_collections()
        doc = await self._samples.find_one(
            {"meta.user_id": str(user_id)}, {"_id": 0}, sort=[("timestamp", DESCENDING)]
        )
        return None if doc is None else _point(doc)

    @staticmethod
    def _hour_range(user_id: UUID, start: datetime, end: datetime) -> dict[str, Any]:
        return {"user_id": str(user_id), "start": {"$gte": start, "$lt": end}}

    async def hours(self, user_id: UUID, start: datetime, end: datetime) -> list[EmotionAggregate]:
        await self.ensure_collections()
        cursor = self._hourly.find(self._hour_range(user_id, start, end), {"_id": 0})
        return [_aggregate(d) async for d in cursor.sort("start", ASCENDING)]

    async def hour_readings(
        self,
        user_id: UUID,
        start: datetime,
        end: datetime,
        *,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[EmotionReading], int]:
        await self.ensure_collections()
        where = self._hour_range(user_id, start, end)
        cursor = self._hourly.find(where, {"_id": 0}).sort("start", ASCENDING).skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        page = [_aggregate(d).reading() async for d in cursor]
        return page, await self._hourly.count_documents(where)

    async def unsealed_hours(self, before: datetime, limit: int) -> list[tuple[UUID, datetime]]:
        await self.ensure_collections()
        cursor = (
            self._hourly.find(
                {"sealed": False, "start": {"$lt": before}}, {"_id": 0, "user_id": 1, "start": 1}
            )
            .sort([("start", ASCENDING), ("user_id", ASCENDING)])
            .limit(limit)
        )
        return [(UUID(d["user_id"]), d["start"]) async for d in cursor]

    async def seal_hour(self, aggregate: EmotionAggregate) -> None:
        await self.ensure_collections()
        await self._hourly.replace_one(
            {"user_id": str(aggregate.user_id), "start": aggregate.start},
            _hour_doc(aggregate, sealed=True),
            upsert=True,
        )

    async def seal_hours(self, before: datetime, limit: int) -> int:
        await self.ensure_collections()
        cursor = (
            self._hourly.find({"sealed": False, "start": {"$lt": before}}, {"_id": 0})
            .sort([("start", ASCENDING), ("user_id", ASCENDING)])
            .limit(limit)
        )
        due: dict[tuple[UUID, datetime], EmotionAggregate] = {}
        async for d in cursor:
            hour = _aggregate(d)
            due[(hour.user_id, hour.start)] = hour
        if not due:
            return 0
        points: dict[tuple[UUID, datetime], list[EmotionPoint]] = {k: [] for k in due}
        hours = [self._range(user_id, start, start + HOUR) for user_id, start in due]
        async for d in self._samples.find({"$or": hours}, {"_id": 0}):
            p = _point(d)
            points[(p.user_id, bucket_start(p.timestamp, Resolution.HOUR))].append(p)
        # No transaction here: an hour whose count moved since it was read (a point
        # folded in meanwhile) is left unsealed for the next run instead.
        result = await self._hourly.bulk_write(
            [
                ReplaceOne(
                    {"user_id": str(h.user_id), "start": h.start, "count": h.count},
                    _hour_doc(sealed_hour(h, points[key]), sealed=True),
                )
                for key, h in due.items()
            ],
            ordered=False,
        )
        return result.matched_count

    async def delete_raw_before(self, cutoff: datetime, limit: int) -> int:
        await self.ensure_collections()
        doomed = [
            d
            async for d in self._samples.find(
                {"timestamp": {"$lt": cutoff}}, {"_id": 1, "timestamp": 1, "meta": 1}
            )
            .sort("timestamp", ASCENDING)
            .limit(limit)
        ]
        if not doomed:
            return 0
        result = await self._samples.delete_many({"_id": {"$in": [d["_id"] for d in doomed]}})
        await self._keys.delete_many(
            {
                "_id": {
                    "$in": [
                        f"{d['meta']['user_id']}:{d['meta']['source']}:{d['timestamp'].isoformat()}"
                        for d in doomed
                    ]
                }
            }
        )
        return result.deleted_count

    async def delete_user(self, user_id: UUID) -> None:
        await self.ensure_collections()
        await self._samples.delete_many({"meta.user_id": str(user_id)})
        await self._keys.delete_many({"u": str(user_id)})
        await self._hourly.delete_many({"user_id": str(user_id)})
