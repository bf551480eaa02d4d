"""SQL tables of the wellness area: the emotion series, its hourly aggregates, mood check-ins.

(`wellness_scores` is a foundation table in `models.py`.)

The raw table's primary key (user_id, timestamp, source) is the idempotency key of
ingestion and, in that order, also the index every per-user time-range read uses.
Hourly aggregates keep one count and one confidence sum per emotion as columns,
so ingestion can add to them with a single atomic upsert. Heart-rate sums cover every
point; RMSSD and stress sums only points at rest (`rest_count`), as activity says nothing
about stress. Next to the sums an hour
keeps its reading as `GET /emotions?resolution=hour` shows it (`reading_*`: dominant
emotion, confidence, rounded means), judged from the sums whenever they change (in the
same transaction on Postgres); NULL means "not judged here", and a reader judges the
sums itself.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import GUID, Base, DateTimeUTC
from domain.wellness.emotion import Emotion

EMOTION_COUNT_COLUMNS = {e.value: f"n_{e.value}" for e in Emotion}
EMOTION_CONFIDENCE_COLUMNS = {e.value: f"c_{e.value}" for e in Emotion}


class EmotionSampleRow(Base):
    __tablename__ = "emotion_samples"
    __table_args__ = (Index("ix_emotion_samples_timestamp", "timestamp"),)

    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    timestamp: Mapped[datetime] = mapped_column(DateTimeUTC, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    heart_rate: Mapped[float] = mapped_column(Float)
    hrv_rmssd: Mapped[float | None] = mapped_column(Float, nullable=True)
    hrv_sdnn: Mapped[float | None] = mapped_column(Float, nullable=True)
    pnn50: Mapped[float | None] = mapped_column(Float, nullable=True)
    stress_score: Mapped[int] = mapped_column(SmallInteger)
    emotion: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    artefact_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    steps: Mapped[float | None] = mapped_column(Float, nullable=True)
    activity: Mapped[str | None] = mapped_column(String(16), nullable=True)
    interval_s: Mapped[float | None] = mapped_column(Float, nullable=True)


class EmotionHourRow(Base):
    __tablename__ = "emotion_hourly"
    __table_args__ = (Index("ix_emotion_hourly_sealed_start", "sealed", "start"),)

    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    start: Mapped[datetime] = mapped_column(DateTimeUTC, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    hr_min: Mapped[float] = mapped_column(Float)
    hr_max: Mapped[float] = mapped_column(Float)
    hr_sum: Mapped[float] = mapped_column(Float)
    rmssd_sum: Mapped[float] = mapped_column(Float)
    ln_rmssd_sum: Mapped[float] = mapped_column(Float)
    rmssd_count: Mapped[int] = mapped_column(Integer)
    stress_sum: Mapped[float] = mapped_column(Float)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    n_calm: Mapped[int] = mapped_column(Integer, default=0)
    n_relaxed: Mapped[int] = mapped_column(Integer, default=0)
    n_focused: Mapped[int] = mapped_column(Integer, default=0)
    n_stressed: Mapped[int] = mapped_column(Integer, default=0)
    n_anxious: Mapped[int] = mapped_column(Integer, default=0)
    n_fatigued: Mapped[int] = mapped_column(Integer, default=0)
    n_active: Mapped[int] = mapped_column(Integer, default=0)
    n_unknown: Mapped[int] = mapped_column(Integer, default=0)
    c_calm: Mapped[float] = mapped_column(Float, default=0.0)
    c_relaxed: Mapped[float] = mapped_column(Float, default=0.0)
    c_focused: Mapped[float] = mapped_column(Float, default=0.0)
    c_stressed: Mapped[float] = mapped_column(Float, default=0.0)
    c_anxious: Mapped[float] = mapped_column(Float, default=0.0)
    c_fatigued: Mapped[float] = mapped_column(Float, default=0.0)
    c_active: Mapped[float] = mapped_column(Float, default=0.0)
    c_unknown: Mapped[float] = mapped_column(Float, default=0.0)
    reading_emotion: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reading_confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    reading_stress: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    reading_heart_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    reading_hrv_rmssd: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Points at rest (not `active`): the RMSSD and stress sums above cover only these.
    rest_count: Mapped[int] = mapped_column(Integer, default=0)
    rest_hr_sum: Mapped[float] = mapped_column(Float, default=0.0)
    ln_rmssd_sq_sum: Mapped[float] = mapped_column(Float, default=0.0)


class MoodCheckInRow(Base):
    __tablename__ = "mood_check_ins"
    __table_args__ = (Index("ix_mood_check_ins_user_timestamp", "user_id", "timestamp"),)

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    timestamp: Mapped[datetime] = mapped_column(DateTimeUTC)
    valence: Mapped[int] = mapped_column(SmallInteger)
    arousal: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    label: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
