"""AuditLog on SQL: append-only; nothing in the API updates or deletes these rows."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, insert, select, update

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import AuditEventRow
from domain.audit import AuditEvent, AuditKind

_audit = AuditEventRow.__table__


@translates_failures(DATABASE)
class SqlAuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, event: AuditEvent) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                insert(_audit).values(
                    kind=event.kind.value,
                    at=event.at,
                    actor_id=event.actor_id,
                    subject_id=event.subject_id,
                    request_id=event.request_id,
                    details=dict(event.details),
                )
            )


@translates_failures(DATABASE)
class SqlAuditReader:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def page(self, offset: int, limit: int, kind: str | None) -> tuple[list[AuditEvent], int]:
        where = [] if kind is None else [_audit.c.kind == kind]
        async with self._db.engine.connect() as conn:
            total = (
                await conn.execute(select(func.count()).select_from(_audit).where(*where))
            ).scalar_one()
            rows = await conn.execute(
                select(_audit)
                .where(*where)
                .order_by(_audit.c.id.desc())
                .offset(offset)
                .limit(limit)
            )
            events = [
                AuditEvent(
                    AuditKind(r.kind),
                    r.at,
                    r.actor_id,
                    r.subject_id,
                    r.request_id,
                    dict(r.details or {}),
                    id=r.id,
                )
                for r in rows
            ]
        return events, total

    async def delete_before(self, cutoff: datetime, batch_size: int) -> int:
        batch = select(_audit.c.id).where(_audit.c.at < cutoff).limit(batch_size)
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                delete(_audit).where(_audit.c.id.in_(batch.scalar_subquery()))
            )
        return max(result.rowcount or 0, 0)

    async def forget_subject(self, user_id: UUID) -> int:
        async with self._db.engine.begin() as conn:
            a = await conn.execute(
                update(_audit).where(_audit.c.subject_id == user_id).values(subject_id=None)
            )
            b = await conn.execute(
                update(_audit).where(_audit.c.actor_id == user_id).values(actor_id=None)
            )
        return (a.rowcount or 0) + (b.rowcount or 0)
