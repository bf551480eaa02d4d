"""Mood check-ins and daily wellness scores in SQL (every profile)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.database import Database
from adapters.sql.models import WellnessScoreRow
from adapters.sql.wellness_models import MoodCheckInRow
from domain.wellness.emotion import Emotion
from domain.wellness.mood import MoodCheckIn
from domain.wellness.score import DailyWellness

_moods = MoodCheckInRow.__table__
_scores = WellnessScoreRow.__table__
# What the baseline of later days is built from travels with the public components.
_BASIS = "basis"


class SqlMoodCheckIns:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, check_in: MoodCheckIn) -> None:
        c = check_in
        async with self._db.engine.begin() as conn:
            await conn.execute(insert(_moods).values(
                id=c.id, user_id=c.user_id, timestamp=c.timestamp, valence=c.valence,
                arousal=c.arousal, label=c.label, note=c.note, created_at=c.created_at))

    async def between(self, user_id: UUID, start: datetime, end: datetime
                      ) -> list[MoodCheckIn]:
        stmt = (select(_moods).where(_moods.c.user_id == user_id, _moods.c.timestamp >= start,
                                     _moods.c.timestamp <= end).order_by(_moods.c.timestamp))
        async with self._db.engine.connect() as conn:
            return [MoodCheckIn(id=r.id, user_id=r.user_id, timestamp=r.timestamp,
                                valence=r.valence, arousal=r.arousal, label=r.label,
                                note=r.note, created_at=r.created_at)
                    for r in await conn.execute(stmt)]


def _daily(r: Any) -> DailyWellness:
    components = dict(r.components or {})
    basis = components.pop(_BASIS, {})
    return DailyWellness(
        day=date.fromisoformat(r.day), wellness_score=round(r.wellness_score),
        hrv_avg=r.hrv_avg, ln_rmssd_mean=basis.get("ln_rmssd_mean"),
        heart_rate_avg=r.heart_rate_avg, resting_hr=basis.get("resting_hr", r.heart_rate_avg),
        dominant_emotion=Emotion(r.dominant_emotion or "unknown"),
        emotion_confidence=r.emotion_confidence or 0.0, data_points=r.data_points,
        components=components, baseline_days=basis.get("baseline_days", 0))


class SqlWellnessScores:
    def __init__(self, db: Database) -> None:
        self._db = db
        upsert = (sqlite_insert if db.is_sqlite else pg_insert)(_scores)
        self._put = upsert.on_conflict_do_update(
            index_elements=[_scores.c.user_id, _scores.c.day],
            set_={c.name: upsert.excluded[c.name] for c in _scores.c
                  if c.name not in ("id", "user_id", "day")})

    async def put(self, user_id: UUID, day: DailyWellness, now: datetime) -> None:
        components = {**day.components, _BASIS: {
            "ln_rmssd_mean": day.ln_rmssd_mean, "resting_hr": day.resting_hr,
            "baseline_days": day.baseline_days}}
        async with self._db.engine.begin() as conn:
            await conn.execute(self._put, [{
                "id": uuid.uuid4(), "user_id": user_id, "day": day.day.isoformat(),
                "wellness_score": day.wellness_score, "hrv_avg": day.hrv_avg,
                "heart_rate_avg": day.heart_rate_avg,
                "dominant_emotion": day.dominant_emotion.value,
                "emotion_confidence": day.emotion_confidence, "data_points": day.data_points,
                "components": components, "computed_at": now}])

    async def get(self, user_id: UUID, day: date) -> DailyWellness | None:
        stmt = select(_scores).where(_scores.c.user_id == user_id,
                                     _scores.c.day == day.isoformat())
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _daily(row)

    async def between(self, user_id: UUID, first: date, last: date) -> list[DailyWellness]:
        stmt = (select(_scores).where(_scores.c.user_id == user_id,
                                      _scores.c.day >= first.isoformat(),
                                      _scores.c.day <= last.isoformat())
                .order_by(_scores.c.day))
        async with self._db.engine.connect() as conn:
            return [_daily(r) for r in await conn.execute(stmt)]
