from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import ConsentRow
from domain.privacy.consent import Consents

_consents = ConsentRow.__table__


@translates_failures(DATABASE)
class SqlConsentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: UUID) -> Consents | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_consents).where(_consents.c.user_id == user_id))
            ).first()
        if row is None:
            return None
        return Consents(row.user_id, row.biometrics, row.food_photos, row.updated_at)

    async def put(self, consents: Consents) -> None:
        values = {
            "user_id": consents.user_id,
            "biometrics": consents.biometrics,
            "food_photos": consents.food_photos,
            "updated_at": consents.updated_at,
        }
        insert = self._db.insert
        stmt = insert(_consents).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_consents.c.user_id],
            set_={k: stmt.excluded[k] for k in ("biometrics", "food_photos", "updated_at")},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)
