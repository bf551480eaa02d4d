"""AuditLog on SQL: append-only; nothing in the API updates or deletes these rows."""

from __future__ import annotations

from sqlalchemy import insert

from adapters.sql.database import Database
from adapters.sql.models import AuditEventRow
from domain.audit import AuditEvent

_audit = AuditEventRow.__table__


class SqlAuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, event: AuditEvent) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(insert(_audit).values(
                kind=event.kind.value, at=event.at, actor_id=event.actor_id,
                subject_id=event.subject_id, request_id=event.request_id,
                details=dict(event.details)))
