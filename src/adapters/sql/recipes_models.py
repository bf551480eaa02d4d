"""SQL tables of the recipes area: the catalogue, its version, and ratings."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import GUID, Base, DateTimeUTC, JsonB


class RecipeRow(Base):
    __tablename__ = "recipes"

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    title_sort: Mapped[str] = mapped_column(String(300), index=True)
    search_text: Mapped[str] = mapped_column(Text)
    cuisine: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    diets_mask: Mapped[int] = mapped_column(Integer)
    allergens_mask: Mapped[int] = mapped_column(Integer)
    total_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonB)


class RecipeCatalogueMetaRow(Base):
    __tablename__ = "recipe_catalogue_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class RecipeRatingRow(Base):
    __tablename__ = "recipe_ratings"
    __table_args__ = (Index("ix_recipe_ratings_recipe_id", "recipe_id"),)

    user_id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    recipe_id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JsonB)
    preparation_time_actual: Mapped[int | None] = mapped_column(Integer, nullable=True)
    difficulty_actual: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC)
