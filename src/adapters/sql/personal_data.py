"""Every SQL row that belongs to a person, found through the schema itself.

Any table with a `user_id` column holds personal data: it is exported and purged without
each feature having to remember to register it. The account row itself is removed last
by the user repository.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from sqlalchemy import Table, delete, select

from adapters.failures import translates_failures
from adapters.sql.base import Base
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE

# Export section for each table; tables not listed export under their own name.
SECTION_OF_TABLE = {
    "users": "user",
    "subscriptions": "subscriptions",
    "user_consents": "consents",
    "food_history": "food_history",
    "wellness_scores": "wellness_scores",
    "user_preferences": "preferences",
    "preferences": "preferences",
    "recipe_ratings": "recipe_ratings",
    "mood_check_ins": "mood_check_ins",
    "emotion_samples": "emotion_samples",
    "emotion_points": "emotion_samples",
    "subscription_history": "subscriptions",
    "email_log": "emails_sent",
}
# Security and bookkeeping state: purged, but not part of the export.
NOT_EXPORTED = {"auth_sessions", "user_counters", "account_tokens", "payment_events"}
# Columns never exported: secrets, and renderings of the other columns (the history's
# pre-rendered list answers).
SECRET_COLUMNS = {"password_hash", "tokens_valid_after", "current_token_id"}
DERIVED_COLUMNS = {"card", "card_version"}


def _person_tables() -> list[Table]:
    # Children before parents, so foreign keys never block a batch.
    return [
        t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.c and t.name != "users"
    ]


@translates_failures(DATABASE)
class SqlPersonalData:
    name = "sql"

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sections(self) -> list[str]:
        names = {"user"}
        names.update(
            SECTION_OF_TABLE.get(t.name, t.name)
            for t in _person_tables()
            if t.name not in NOT_EXPORTED
        )
        return sorted(names)

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        tables = (
            [Base.metadata.tables["users"]]
            if section == "user"
            else [
                t
                for t in _person_tables()
                if t.name not in NOT_EXPORTED and SECTION_OF_TABLE.get(t.name, t.name) == section
            ]
        )
        for table in tables:
            key = table.c.id if table.name == "users" else table.c.user_id
            cols = [
                c for c in table.c if c.name not in SECRET_COLUMNS and c.name not in DERIVED_COLUMNS
            ]
            order = [c for c in table.primary_key.columns]
            async with self._db.engine.connect() as conn:
                result = await conn.stream(select(*cols).where(key == user_id).order_by(*order))
                async for row in result:
                    yield dict(row._mapping)

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        deleted = 0
        for table in _person_tables():
            if table.name == "subscriptions":
                continue  # removed with the account row, last
            pk = next(iter(table.primary_key.columns))
            batch = select(pk).where(table.c.user_id == user_id).limit(batch_size)
            async with self._db.engine.begin() as conn:
                result = await conn.execute(
                    delete(table).where(table.c.user_id == user_id, pk.in_(batch.scalar_subquery()))
                )
                deleted += max(result.rowcount or 0, 0)
            if deleted >= batch_size:
                return deleted
        # Keyed state that names the user only in its key (the rate limiter's `user:<id>`)
        # is the limiter's own to forget: RateLimiter.forget_user, called by the purge.
        return deleted
