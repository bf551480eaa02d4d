"""wellness_hourly: each hourly aggregate keeps its reading as the API shows it

Revision ID: 0007_wellness_hourly
Revises: 0006_hardening
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_wellness_hourly"
down_revision = "0006_hardening"
branch_labels = None
depends_on = None

# NULL: not judged yet; readers judge such hours from their sums, so no backfill is needed.
COLUMNS = (
    ("reading_emotion", sa.String(length=16)),
    ("reading_confidence", sa.Float()),
    ("reading_stress", sa.SmallInteger()),
    ("reading_heart_rate", sa.Float()),
    ("reading_hrv_rmssd", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("emotion_hourly", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
