"""food_name_keys: the history's `food` filter keys recomputed with today's normaliser

One singulariser (`domain/singular.py`) replaced two that disagreed, and the history key
now folds accents and `&` as the USDA matcher does; keys stored before would miss a
filter on those words (`kiwis`, `quiches`, `crème brûlée`). Recomputed from each entry's
detected foods, in batches; rows whose keys do not change are not written.

Revision ID: 0016_food_name_keys
Revises: 0015_history_cards
"""

from __future__ import annotations

from alembic import op

from adapters.sql.food_name_keys_backfill import rekey_food_names

revision = "0016_food_name_keys"
down_revision = "0015_history_cards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rekey_food_names(op.get_bind())


def downgrade() -> None:
    pass  # the previous release matches its own keys for new entries; old ones stay findable
