"""SQL tables owned by the foundation: accounts, security state, audit, and the first
versions of food_history and wellness_scores (their features evolve them in migrations)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import GUID, Base, DateTimeUTC, JsonB


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    subscription_tier: Mapped[str] = mapped_column(String(16), default="free")
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    purge_after: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    # Every token issued at or before this instant is revoked (logout everywhere, deletion).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"

    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tier: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    started_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)


class AuthSessionRow(Base):
    """One login: the family of refresh tokens that descend from it."""

    __tablename__ = "auth_sessions"

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    current_token_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_subject_at", "subject_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTimeUTC)
    actor_id: Mapped[UUID | None] = mapped_column(GUID, nullable=True)
    subject_id: Mapped[UUID | None] = mapped_column(GUID, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    details: Mapped[dict] = mapped_column(JsonB, default=dict)


class FoodHistoryRow(Base):
    """A meal: a photo analysis or a manual entry. Columns the list filters need are
    kept out of the JSON so they can be indexed."""

    __tablename__ = "food_history"
    __table_args__ = (
        # The history page: a user's completed entries, newest first, in index order
        # (the id breaks ties), so a page reads 20 index entries and sorts nothing.
        Index(
            "ix_food_history_user_status_created",
            "user_id",
            "status",
            text("created_at DESC"),
            text("id DESC"),
        ),
        # The sweeper: analyses stuck in processing (lease expired) or pending.
        Index("ix_food_history_status_lease", "status", "lease_until"),
        # `food` filter: JSONB containment on Postgres only (on SQLite json_each scans the
        # user's rows, which the index above already narrows).
        Index(
            "ix_food_history_food_names",
            "food_names",
            postgresql_using="gin",
            postgresql_ops={"food_names": "jsonb_path_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16))  # photo | manual
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    completed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    eaten_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    image_ref: Mapped[str | None] = mapped_column(String(255), nullable=True)
    detected_foods: Mapped[list] = mapped_column(JsonB, default=list)
    food_names: Mapped[list] = mapped_column(JsonB, default=list)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    nutrition: Mapped[dict | None] = mapped_column(JsonB, nullable=True)
    calories: Mapped[float | None] = mapped_column(nullable=True)
    confidence_score: Mapped[float | None] = mapped_column(nullable=True)
    analysis_duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    models: Mapped[dict | None] = mapped_column(JsonB, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    # Whether a person should look, why, and the suggestions: {needed, reasons,
    # suggestions}; NULL for entries written before reviews (0012_food_images).
    review: Mapped[dict | None] = mapped_column(JsonB, nullable=True)
    # A completed entry's card: its list answer as JSON text, rendered by the use case
    # that wrote it (`application.food.history_view`) and kept as given; NULL until the
    # entry completes (every completed entry has one since `0015_history_cards`).
    card: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Unused since `0015_history_cards`: the previous release's rendering version, kept
    # while its processes may still run during a rollout; a later revision drops it.
    card_version: Mapped[str | None] = mapped_column(String(32), nullable=True)


class UserCounterRow(Base):
    """Exact per-user counts kept in the same transaction as inserts and deletes, so list
    pages can report `meta.total` without counting rows (see performance notes)."""

    __tablename__ = "user_counters"

    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class WellnessScoreRow(Base):
    __tablename__ = "wellness_scores"
    __table_args__ = (Index("uq_wellness_scores_user_day", "user_id", "day", unique=True),)

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, the user's UTC day
    wellness_score: Mapped[float | None] = mapped_column(nullable=True)
    hrv_avg: Mapped[float | None] = mapped_column(nullable=True)
    heart_rate_avg: Mapped[float | None] = mapped_column(nullable=True)
    dominant_emotion: Mapped[str | None] = mapped_column(String(16), nullable=True)
    emotion_confidence: Mapped[float | None] = mapped_column(nullable=True)
    data_points: Mapped[int] = mapped_column(Integer, default=0)
    components: Mapped[dict] = mapped_column(JsonB, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTimeUTC)


class ConsentRow(Base):
    __tablename__ = "user_consents"

    user_id: Mapped[UUID] = mapped_column(
        GUID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    biometrics: Mapped[bool] = mapped_column(Boolean, default=False)
    food_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC)
