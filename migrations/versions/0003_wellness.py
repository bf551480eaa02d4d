"""wellness: the emotion series (raw and hourly) and mood check-ins

`wellness_scores` belongs to 0001_foundation. The raw table's primary key
(user_id, timestamp, source) is the ingestion idempotency key and the index of
every per-user time-range read.

Revision ID: 0003_wellness
Revises: 0002_food
Create Date: 2026-11-26 05:05:17.640285
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0003_wellness"
down_revision = "0002_food"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emotion_hourly",
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "start", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("hr_min", sa.Float(), nullable=False),
        sa.Column("hr_max", sa.Float(), nullable=False),
        sa.Column("hr_sum", sa.Float(), nullable=False),
        sa.Column("rmssd_sum", sa.Float(), nullable=False),
        sa.Column("ln_rmssd_sum", sa.Float(), nullable=False),
        sa.Column("rmssd_count", sa.Integer(), nullable=False),
        sa.Column("stress_sum", sa.Float(), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("n_calm", sa.Integer(), nullable=False),
        sa.Column("n_relaxed", sa.Integer(), nullable=False),
        sa.Column("n_focused", sa.Integer(), nullable=False),
        sa.Column("n_stressed", sa.Integer(), nullable=False),
        sa.Column("n_anxious", sa.Integer(), nullable=False),
        sa.Column("n_fatigued", sa.Integer(), nullable=False),
        sa.Column("n_unknown", sa.Integer(), nullable=False),
        sa.Column("c_calm", sa.Float(), nullable=False),
        sa.Column("c_relaxed", sa.Float(), nullable=False),
        sa.Column("c_focused", sa.Float(), nullable=False),
        sa.Column("c_stressed", sa.Float(), nullable=False),
        sa.Column("c_anxious", sa.Float(), nullable=False),
        sa.Column("c_fatigued", sa.Float(), nullable=False),
        sa.Column("c_unknown", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_emotion_hourly_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "start", name=op.f("pk_emotion_hourly")),
    )
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        batch_op.create_index("ix_emotion_hourly_sealed_start", ["sealed", "start"], unique=False)

    op.create_table(
        "emotion_samples",
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "timestamp", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("heart_rate", sa.Float(), nullable=False),
        sa.Column("hrv_rmssd", sa.Float(), nullable=True),
        sa.Column("hrv_sdnn", sa.Float(), nullable=True),
        sa.Column("pnn50", sa.Float(), nullable=True),
        sa.Column("stress_score", sa.SmallInteger(), nullable=False),
        sa.Column("emotion", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_emotion_samples_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "timestamp", "source", name=op.f("pk_emotion_samples")),
    )
    with op.batch_alter_table("emotion_samples", schema=None) as batch_op:
        batch_op.create_index("ix_emotion_samples_timestamp", ["timestamp"], unique=False)

    op.create_table(
        "mood_check_ins",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "timestamp", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column("valence", sa.SmallInteger(), nullable=False),
        sa.Column("arousal", sa.SmallInteger(), nullable=True),
        sa.Column("label", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mood_check_ins_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mood_check_ins")),
    )
    with op.batch_alter_table("mood_check_ins", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mood_check_ins_user_timestamp", ["user_id", "timestamp"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mood_check_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_mood_check_ins_user_timestamp")

    op.drop_table("mood_check_ins")
    with op.batch_alter_table("emotion_samples", schema=None) as batch_op:
        batch_op.drop_index("ix_emotion_samples_timestamp")

    op.drop_table("emotion_samples")
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        batch_op.drop_index("ix_emotion_hourly_sealed_start")

    op.drop_table("emotion_hourly")
