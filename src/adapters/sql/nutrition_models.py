"""The nutrition catalogue's table: USDA foods with nutrients per 100 g.

Name search: on Postgres a GIN index over ``to_tsvector('simple', search_text)`` answers
prefix queries (``apple:*``); on SQLite an FTS5 table kept in step by triggers does. Both
are created with the table (``create_all``) and by migration ``0005_nutrition``.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    event,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import Base, JsonB

TABLE = "nutrition_foods"
FTS_TABLE = "nutrition_foods_fts"

# One statement per entry: SQLite's driver executes a single statement at a time.
SQLITE_SEARCH_DDL: tuple[str, ...] = (
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
SQLITE_SEARCH_DROP: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS nutrition_foods_au",
    "DROP TRIGGER IF EXISTS nutrition_foods_ad",
    "DROP TRIGGER IF EXISTS nutrition_foods_ai",
    "DROP TABLE IF EXISTS nutrition_foods_fts",
)


class NutritionFoodRow(Base):
    __tablename__ = TABLE
    __table_args__ = (
        Index("ix_nutrition_foods_order", "source_rank", "name_length", "id"),
        Index("ix_nutrition_foods_fdc_id", "fdc_id"),
        Index(
            "ix_nutrition_foods_search",
            func.to_tsvector(literal_column("'simple'"), literal_column("search_text")),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    fdc_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    name: Mapped[str] = mapped_column(Text)
    data_type: Mapped[str] = mapped_column(String(16))
    source_rank: Mapped[int] = mapped_column(SmallInteger)
    name_length: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(Text, nullable=True)
    portion_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    portion_grams: Mapped[float | None] = mapped_column(Float, nullable=True)
    # USDA's NDB number (SR foods) and every named household measure, [[name, grams], ...]
    # (migration 0009_nutrition_catalogue).
    ndb_number: Mapped[str | None] = mapped_column(String(8), nullable=True)
    portions: Mapped[list | None] = mapped_column(JsonB, nullable=True)
    calories: Mapped[float | None] = mapped_column(Float, nullable=True)
    protein_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    carbs_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    fat_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    fiber_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    sugar_g: Mapped[float | None] = mapped_column(Float, nullable=True)
    vitamins: Mapped[dict] = mapped_column(JsonB, default=dict)
    minerals: Mapped[dict] = mapped_column(JsonB, default=dict)
    lipids: Mapped[dict] = mapped_column(JsonB, default=dict)
    search_text: Mapped[str] = mapped_column(Text)


for _statement in SQLITE_SEARCH_DDL:
    event.listen(
        NutritionFoodRow.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )
for _statement in SQLITE_SEARCH_DROP:
    event.listen(
        NutritionFoodRow.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite")
    )
