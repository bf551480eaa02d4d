"""food_history_cards: each completed entry keeps its list answer, pre-rendered

Revision ID: 0008_food_history_cards
Revises: 0007_wellness_hourly
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_food_history_cards"
down_revision = "0007_wellness_hourly"
branch_labels = None
depends_on = None

# NULL: no card (entries written before this revision, or by a store without a renderer);
# readers build such entries' answers from their columns, so no backfill is needed.
COLUMNS = (
    ("card", sa.Text()),
    ("card_version", sa.String(length=32)),
)


def upgrade() -> None:
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
