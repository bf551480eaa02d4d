"""SQL table of the preferences area (the embedded profile's document store)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import GUID, Base, DateTimeUTC, JsonB


class UserPreferencesRow(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonB)
    updated_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
