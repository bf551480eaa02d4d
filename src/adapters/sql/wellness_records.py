"""Mood check-ins and daily wellness scores in SQL (every profile).

Ingestion reads and writes these once per batch: the `Postgres...` subclasses send the
reads and the upsert straight to the pooled asyncpg connection (`pg_direct`), one
prepared statement each; `sql_mood_check_ins(db)` and `sql_wellness_scores(db)` pick the
class for the database.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import WellnessScoreRow
from adapters.sql.pg_direct import pg_connection, std_uuid
from adapters.sql.wellness_models import MoodCheckInRow
from domain.wellness.emotion import Emotion
from domain.wellness.mood import MoodCheckIn
from domain.wellness.score import WAKING_HOURS, DailyWellness

_moods = MoodCheckInRow.__table__
_scores = WellnessScoreRow.__table__
# What the baseline of later days is built from travels with the public components.
_BASIS = "basis"
_PG_MOODS = """
    SELECT id, user_id, timestamp, valence, arousal, label, note, created_at
    FROM mood_check_ins WHERE user_id = $1 AND timestamp >= $2 AND timestamp <= $3
    ORDER BY timestamp
"""
_DAY_COLUMNS = (
    "day, wellness_score, hrv_avg, heart_rate_avg, dominant_emotion, "
    "emotion_confidence, data_points, components"
)
_PG_DAYS = f"""
    SELECT {_DAY_COLUMNS} FROM wellness_scores
    WHERE user_id = $1 AND day >= $2 AND day <= $3 ORDER BY day
"""  # noqa: S608 (constant fragments; values are parameters)
_PG_PUT = """
    INSERT INTO wellness_scores (id, user_id, day, wellness_score, hrv_avg, heart_rate_avg,
                                 dominant_emotion, emotion_confidence, data_points,
                                 components, computed_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
    ON CONFLICT (user_id, day) DO UPDATE SET
        wellness_score = excluded.wellness_score, hrv_avg = excluded.hrv_avg,
        heart_rate_avg = excluded.heart_rate_avg, dominant_emotion = excluded.dominant_emotion,
        emotion_confidence = excluded.emotion_confidence, data_points = excluded.data_points,
        components = excluded.components, computed_at = excluded.computed_at
"""


@translates_failures(DATABASE)
class SqlMoodCheckIns:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, check_in: MoodCheckIn) -> None:
        c = check_in
        async with self._db.engine.begin() as conn:
            await conn.execute(
                insert(_moods).values(
                    id=c.id,
                    user_id=c.user_id,
                    timestamp=c.timestamp,
                    valence=c.valence,
                    arousal=c.arousal,
                    label=c.label,
                    note=c.note,
                    created_at=c.created_at,
                )
            )

    async def between(self, user_id: UUID, start: datetime, end: datetime) -> list[MoodCheckIn]:
        stmt = (
            select(_moods)
            .where(
                _moods.c.user_id == user_id, _moods.c.timestamp >= start, _moods.c.timestamp <= end
            )
            .order_by(_moods.c.timestamp)
        )
        async with self._db.engine.connect() as conn:
            return [
                MoodCheckIn(
                    id=r.id,
                    user_id=r.user_id,
                    timestamp=r.timestamp,
                    valence=r.valence,
                    arousal=r.arousal,
                    label=r.label,
                    note=r.note,
                    created_at=r.created_at,
                )
                for r in await conn.execute(stmt)
            ]


def _daily(r: Any) -> DailyWellness:
    return _daily_of(
        r.day,
        r.wellness_score,
        r.hrv_avg,
        r.heart_rate_avg,
        r.dominant_emotion,
        r.emotion_confidence,
        r.data_points,
        r.components,
    )


def _daily_of(
    day: str,
    wellness_score: float,
    hrv_avg: float | None,
    heart_rate_avg: float,
    dominant_emotion: str | None,
    emotion_confidence: float | None,
    data_points: int,
    stored_components: dict[str, Any] | None,
) -> DailyWellness:
    components = dict(stored_components or {})
    basis = components.pop(_BASIS, {})
    return DailyWellness(
        day=date.fromisoformat(day),
        wellness_score=round(wellness_score),
        hrv_avg=hrv_avg,
        ln_rmssd_mean=basis.get("ln_rmssd_mean"),
        heart_rate_avg=heart_rate_avg,
        resting_hr=basis.get("resting_hr", heart_rate_avg),
        dominant_emotion=Emotion(dominant_emotion or "unknown"),
        emotion_confidence=emotion_confidence or 0.0,
        data_points=data_points,
        components=components,
        baseline_days=basis.get("baseline_days", 0),
        coverage_factor=basis.get("coverage_factor"),
        hours_observed=basis.get("hours_observed", 0),
        hours_expected=basis.get("hours_expected", WAKING_HOURS),
        active_points=basis.get("active_points", 0),
        ln_rmssd_minute_var=basis.get("ln_rmssd_minute_var"),
    )


@translates_failures(DATABASE)
class SqlWellnessScores:
    def __init__(self, db: Database) -> None:
        self._db = db
        upsert = db.insert(_scores)
        self._put = upsert.on_conflict_do_update(
            index_elements=[_scores.c.user_id, _scores.c.day],
            set_={
                c.name: upsert.excluded[c.name]
                for c in _scores.c
                if c.name not in ("id", "user_id", "day")
            },
        )

    async def put(self, user_id: UUID, day: DailyWellness, now: datetime) -> None:
        components = _stored_components(day)
        async with self._db.engine.begin() as conn:
            await conn.execute(
                self._put,
                [
                    {
                        "id": uuid.uuid4(),
                        "user_id": user_id,
                        "day": day.day.isoformat(),
                        "wellness_score": day.wellness_score,
                        "hrv_avg": day.hrv_avg,
                        "heart_rate_avg": day.heart_rate_avg,
                        "dominant_emotion": day.dominant_emotion.value,
                        "emotion_confidence": day.emotion_confidence,
                        "data_points": day.data_points,
                        "components": components,
                        "computed_at": now,
                    }
                ],
            )

    async def get(self, user_id: UUID, day: date) -> DailyWellness | None:
        stmt = select(_scores).where(_scores.c.user_id == user_id, _scores.c.day == day.isoformat())
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _daily(row)

    async def between(self, user_id: UUID, first: date, last: date) -> list[DailyWellness]:
        stmt = (
            select(_scores)
            .where(
                _scores.c.user_id == user_id,
                _scores.c.day >= first.isoformat(),
                _scores.c.day <= last.isoformat(),
            )
            .order_by(_scores.c.day)
        )
        async with self._db.engine.connect() as conn:
            return [_daily(r) for r in await conn.execute(stmt)]


@translates_failures(DATABASE)
class PostgresMoodCheckIns(SqlMoodCheckIns):
    """The check-ins on PostgreSQL: the range read on asyncpg directly."""

    async def between(self, user_id: UUID, start: datetime, end: datetime) -> list[MoodCheckIn]:
        async with pg_connection(self._db) as pg:
            rows = await pg.fetch(_PG_MOODS, user_id, start, end)
        return [
            MoodCheckIn(
                id=std_uuid(r[0]),
                user_id=std_uuid(r[1]),
                timestamp=r[2],
                valence=r[3],
                arousal=r[4],
                label=r[5],
                note=r[6],
                created_at=r[7],
            )
            for r in rows
        ]


@translates_failures(DATABASE)
class PostgresWellnessScores(SqlWellnessScores):
    """The scores on PostgreSQL: the upsert and the range read on asyncpg directly."""

    async def put(self, user_id: UUID, day: DailyWellness, now: datetime) -> None:
        components = _stored_components(day)
        async with pg_connection(self._db) as pg:
            await pg.execute(
                _PG_PUT,
                uuid.uuid4(),
                user_id,
                day.day.isoformat(),
                day.wellness_score,
                day.hrv_avg,
                day.heart_rate_avg,
                day.dominant_emotion.value,
                day.emotion_confidence,
                day.data_points,
                json.dumps(components),
                now,
            )

    async def between(self, user_id: UUID, first: date, last: date) -> list[DailyWellness]:
        async with pg_connection(self._db) as pg:
            rows = await pg.fetch(_PG_DAYS, user_id, first.isoformat(), last.isoformat())
        return [_daily_of(*r) for r in rows]


def sql_mood_check_ins(db: Database) -> SqlMoodCheckIns:
    """The check-ins for this database's dialect."""
    return SqlMoodCheckIns(db) if db.is_sqlite else PostgresMoodCheckIns(db)


def sql_wellness_scores(db: Database) -> SqlWellnessScores:
    """The scores for this database's dialect."""
    return SqlWellnessScores(db) if db.is_sqlite else PostgresWellnessScores(db)


def _stored_components(day: DailyWellness) -> dict:
    """The score's components with the basis it was computed from (kept in one column)."""
    return {
        **day.components,
        _BASIS: {
            "ln_rmssd_mean": day.ln_rmssd_mean,
            "resting_hr": day.resting_hr,
            "baseline_days": day.baseline_days,
            "coverage_factor": day.coverage_factor,
            "hours_observed": day.hours_observed,
            "hours_expected": day.hours_expected,
            "active_points": day.active_points,
            "ln_rmssd_minute_var": day.ln_rmssd_minute_var,
        },
    }
