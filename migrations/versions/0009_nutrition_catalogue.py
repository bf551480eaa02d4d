"""nutrition_catalogue: foods keep their NDB number and every named household measure

Revision ID: 0009_nutrition_catalogue
Revises: 0008_food_history_cards
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_nutrition_catalogue"
down_revision = "0008_food_history_cards"
branch_labels = None
depends_on = None

# NULL on rows imported before this revision: `psi data import-usda` fills them again
# (upsert by id), and readers take NULL portions as "none known".
COLUMNS = (
    ("ndb_number", sa.String(length=8)),
    ("portions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def upgrade() -> None:
    with op.batch_alter_table("nutrition_foods", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nutrition_foods", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
