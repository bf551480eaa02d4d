"""food: analysis leases, history index in page order, food-name containment index

Revision ID: 0002_food
Revises: 0001_foundation
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0002_food"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "started_at",
                advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "lease_until",
                advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
                nullable=True,
            )
        )
        batch_op.drop_index("ix_food_history_user_created")
        batch_op.create_index(
            "ix_food_history_user_status_created",
            ["user_id", "status", sa.text("created_at DESC"), sa.text("id DESC")],
            unique=False,
        )
        batch_op.create_index(
            "ix_food_history_status_lease", ["status", "lease_until"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_food_history_food_names",
            "food_history",
            ["food_names"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"food_names": "jsonb_path_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_food_history_food_names", table_name="food_history")
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.drop_index("ix_food_history_status_lease")
        batch_op.drop_index("ix_food_history_user_status_created")
        batch_op.create_index(
            "ix_food_history_user_created", ["user_id", "created_at"], unique=False
        )
        batch_op.drop_column("lease_until")
        batch_op.drop_column("started_at")
