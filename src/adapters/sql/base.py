"""Declarative base shared by every SQL model (Postgres and SQLite alike)."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {}


__all__ = ["GUID", "Base", "DateTimeUTC", "JsonB"]
