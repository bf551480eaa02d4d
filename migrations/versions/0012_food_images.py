"""food_images: each analysis keeps its review (needed, reasons, suggestions)

Revision ID: 0012_food_images
Revises: 0008_food_history_cards

Thumbnails need no column: they live in the image store beside the original.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_food_images"
down_revision = "0011_wellness_activity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for entries written before: they are answered with `review: null`.
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "review", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.drop_column("review")
