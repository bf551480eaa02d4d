"""nutrition: the USDA food catalogue (nutrients per 100 g) and its name search index

Revision ID: 0005_nutrition
Revises: 0004_recipes
Create Date: 2026-11-26 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_nutrition"
down_revision = "0004_recipes"
branch_labels = None
depends_on = None

JSONB_VARIANT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# Kept in step with adapters.sql.nutrition_models (SQLITE_SEARCH_DDL / SQLITE_SEARCH_DROP);
# copied so this migration never changes when the model module does.
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS nutrition_foods_fts USING fts5("
    "search_text, content='nutrition_foods', content_rowid='id', prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS nutrition_foods_ai AFTER INSERT ON nutrition_foods BEGIN "
    "INSERT INTO nutrition_foods_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS nutrition_foods_ad AFTER DELETE ON nutrition_foods BEGIN "
    "INSERT INTO nutrition_foods_fts(nutrition_foods_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS nutrition_foods_au AFTER UPDATE OF search_text "
    "ON nutrition_foods BEGIN "
    "INSERT INTO nutrition_foods_fts(nutrition_foods_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO nutrition_foods_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
)
SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS nutrition_foods_au",
    "DROP TRIGGER IF EXISTS nutrition_foods_ad",
    "DROP TRIGGER IF EXISTS nutrition_foods_ai",
    "DROP TABLE IF EXISTS nutrition_foods_fts",
)


def upgrade() -> None:
    op.create_table(
        "nutrition_foods",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("fdc_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("data_type", sa.String(length=16), nullable=False),
        sa.Column("source_rank", sa.SmallInteger(), nullable=False),
        sa.Column("name_length", sa.Integer(), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("portion_name", sa.Text(), nullable=True),
        sa.Column("portion_grams", sa.Float(), nullable=True),
        sa.Column("calories", sa.Float(), nullable=True),
        sa.Column("protein_g", sa.Float(), nullable=True),
        sa.Column("carbs_g", sa.Float(), nullable=True),
        sa.Column("fat_g", sa.Float(), nullable=True),
        sa.Column("fiber_g", sa.Float(), nullable=True),
        sa.Column("sugar_g", sa.Float(), nullable=True),
        sa.Column("vitamins", JSONB_VARIANT, nullable=False),
        sa.Column("minerals", JSONB_VARIANT, nullable=False),
        sa.Column("lipids", JSONB_VARIANT, nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nutrition_foods")),
    )
    op.create_index(
        "ix_nutrition_foods_order",
        "nutrition_foods",
        ["source_rank", "name_length", "id"],
        unique=False,
    )
    op.create_index("ix_nutrition_foods_fdc_id", "nutrition_foods", ["fdc_id"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_nutrition_foods_search ON nutrition_foods "
            "USING gin (to_tsvector('simple', search_text))"
        )
    elif op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DROP:
            op.execute(statement)
    elif op.get_context().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_nutrition_foods_search")
    op.drop_index("ix_nutrition_foods_fdc_id", table_name="nutrition_foods")
    op.drop_index("ix_nutrition_foods_order", table_name="nutrition_foods")
    op.drop_table("nutrition_foods")
