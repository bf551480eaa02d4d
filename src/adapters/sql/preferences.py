"""Preferences documents on SQL (the embedded profile; Mongo holds them in production)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.preferences_models import UserPreferencesRow
from domain.preferences.preferences import Preferences, preferences_from_document

_prefs = UserPreferencesRow.__table__


@translates_failures(DATABASE)
class SqlPreferencesStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: UUID) -> Preferences | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(_prefs.c.document, _prefs.c.updated_at).where(
                        _prefs.c.user_id == user_id
                    )
                )
            ).first()
        if row is None:
            return None
        return preferences_from_document(user_id, row.document, row.updated_at)

    async def save(self, preferences: Preferences) -> None:
        insert = self._db.insert
        stmt = insert(_prefs).values(
            user_id=preferences.user_id,
            document=preferences.to_document(),
            updated_at=preferences.updated_at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_prefs.c.user_id],
            set_={"document": stmt.excluded.document, "updated_at": stmt.excluded.updated_at},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def delete(self, user_id: UUID) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(delete(_prefs).where(_prefs.c.user_id == user_id))
        return result.rowcount > 0
