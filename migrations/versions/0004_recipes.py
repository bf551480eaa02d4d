"""recipes: catalogue, catalogue version, ratings, user preferences

Revision ID: 0004_recipes
Revises: 0003_wellness
Create Date: 2026-11-26 05:10:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_recipes"
down_revision = "0003_wellness"
branch_labels = None
depends_on = None

JSONB_VARIANT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
GUID = advanced_alchemy.types.guid.GUID(length=16)
DATETIME_UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recipes",
        sa.Column("id", GUID, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_sort", sa.String(length=300), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("cuisine", sa.String(length=32), nullable=True),
        sa.Column("diets_mask", sa.Integer(), nullable=False),
        sa.Column("allergens_mask", sa.Integer(), nullable=False),
        sa.Column("total_minutes", sa.Integer(), nullable=True),
        sa.Column("document", JSONB_VARIANT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipes")),
    )
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipes_title_sort"), ["title_sort"], unique=False)
        batch_op.create_index(batch_op.f("ix_recipes_cuisine"), ["cuisine"], unique=False)

    op.create_table(
        "recipe_catalogue_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_recipe_catalogue_meta")),
    )
    op.create_table(
        "recipe_ratings",
        sa.Column("user_id", GUID, nullable=False),
        sa.Column("recipe_id", GUID, nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("tags", JSONB_VARIANT, nullable=False),
        sa.Column("preparation_time_actual", sa.Integer(), nullable=True),
        sa.Column("difficulty_actual", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", DATETIME_UTC, nullable=False),
        sa.Column("updated_at", DATETIME_UTC, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "recipe_id", name=op.f("pk_recipe_ratings")),
    )
    with op.batch_alter_table("recipe_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_recipe_ratings_recipe_id", ["recipe_id"], unique=False)

    op.create_table(
        "user_preferences",
        sa.Column("user_id", GUID, nullable=False),
        sa.Column("document", JSONB_VARIANT, nullable=False),
        sa.Column("updated_at", DATETIME_UTC, nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_preferences")),
    )


def downgrade() -> None:
    op.drop_table("user_preferences")
    with op.batch_alter_table("recipe_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_ratings_recipe_id")
    op.drop_table("recipe_ratings")
    op.drop_table("recipe_catalogue_meta")
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipes_cuisine"))
        batch_op.drop_index(batch_op.f("ix_recipes_title_sort"))
    op.drop_table("recipes")
