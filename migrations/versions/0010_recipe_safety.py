"""recipe safety: re-derive every stored recipe (allergens from lines and steps, unverified
lines, nutrition coverage)

The stored documents of the previous format claim diets for recipes whose lines were never
checked. They are removed with the catalogue version, so the next import (automatic in the
embedded profile, `psi data import-recipes` in production) stores them re-derived. Until
then the catalogue is empty: nothing unchecked is offered. Ratings are kept (recipe ids are
stable).

Revision ID: 0010_recipe_safety
Revises: 0008_food_history_cards
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_recipe_safety"
down_revision = "0009_nutrition_catalogue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM recipes"))
    op.execute(sa.text("DELETE FROM recipe_catalogue_meta"))


def downgrade() -> None:
    # Nothing to restore: the previous code re-imports an empty catalogue by itself.
    pass
