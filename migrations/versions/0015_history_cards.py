"""history_cards: every completed entry gets its card; the list reads cards alone

Entries written before cards (`0008_food_history_cards`), or by a store without a
renderer, or with an older rendering, are rendered now, in batches; then the rendering's
version column goes: a later change to what a card shows renders the cards again in its
own migration, so the list never falls back to building answers from the columns.

Revision ID: 0015_history_cards
Revises: 0014_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.history_cards_backfill import backfill_history_cards

revision = "0015_history_cards"
down_revision = "0014_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    backfill_history_cards(op.get_bind())
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.drop_column("card_version")


def downgrade() -> None:
    # Cards stay; without a version the 0014 code reads every entry from its columns.
    with op.batch_alter_table("food_history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("card_version", sa.String(length=32), nullable=True))
