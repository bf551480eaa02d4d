"""history_cards: every completed entry gets its card; the list reads cards alone

Entries written before cards (`0008_food_history_cards`), or by a store without a
renderer, or with a card of an older rendering, are rendered now, in batches. A later
change to what a card shows renders the cards again in its own migration, so the list
never falls back to building answers from the columns.

`card_version` stays for the processes of the previous release still running during a
rollout (they read and write it; they serve a card only of their own version, which the
backfilled cards carry); this release neither reads nor writes it, and a later revision
drops it.

Revision ID: 0015_history_cards
Revises: 0014_accounts
"""

from __future__ import annotations

from alembic import op

from adapters.sql.history_cards_backfill import backfill_history_cards

revision = "0015_history_cards"
down_revision = "0014_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    backfill_history_cards(op.get_bind())


def downgrade() -> None:
    pass  # the cards stay: the previous release serves those of its version
