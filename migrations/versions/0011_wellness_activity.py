"""wellness_activity: activity context and artefact share of each sample; the hourly
aggregates keep points at rest apart (count, heart-rate sum, squared ln RMSSD) and count
the new `active` emotion

Revision ID: 0011_wellness_activity
Revises: 0008_food_history_cards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_wellness_activity"
down_revision = "0010_recipe_safety"
branch_labels = None
depends_on = None

SAMPLE_COLUMNS = (
    ("artefact_share", sa.Float()),
    ("steps", sa.Float()),
    ("activity", sa.String(length=16)),
    ("interval_s", sa.Float()),
)
HOUR_COLUMNS = (
    ("n_active", sa.Integer(), "0"),
    ("c_active", sa.Float(), "0"),
    ("rest_count", sa.Integer(), "0"),
    ("rest_hr_sum", sa.Float(), "0"),
    ("ln_rmssd_sq_sum", sa.Float(), "0"),
)


def upgrade() -> None:
    with op.batch_alter_table("emotion_samples", schema=None) as batch_op:
        for name, type_ in SAMPLE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        for name, type_, default in HOUR_COLUMNS:
            batch_op.add_column(
                sa.Column(name, type_, nullable=False, server_default=sa.text(default))
            )
    # Every point stored so far was judged without activity: all of them were "at rest".
    # Their within-hour spread of ln RMSSD is unknown; an hour's mean stands for each of
    # its points (zero spread within the hour, the spread between hours still counts).
    op.execute(
        "UPDATE emotion_hourly SET rest_count = count, rest_hr_sum = hr_sum, "
        "ln_rmssd_sq_sum = CASE WHEN rmssd_count > 0 "
        "THEN ln_rmssd_sum * ln_rmssd_sum / rmssd_count ELSE 0 END"
    )


def downgrade() -> None:
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        for name, _, _ in reversed(HOUR_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("emotion_samples", schema=None) as batch_op:
        for name, _ in reversed(SAMPLE_COLUMNS):
            batch_op.drop_column(name)
