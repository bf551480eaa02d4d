"""SessionStore on SQL: the embedded profile's persistent security state."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, exists, insert, or_, select, update

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import AuthSessionRow, UserRow
from domain.identity.tokens import Principal, RotationOutcome

_sessions = AuthSessionRow.__table__
_users = UserRow.__table__


@translates_failures(DATABASE)
class SqlSessionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(
        self,
        session_id: UUID,
        user_id: UUID,
        refresh_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                insert(_sessions).values(
                    id=session_id,
                    user_id=user_id,
                    current_token_id=refresh_token_id,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    async def rotate(
        self,
        session_id: UUID,
        presented_token_id: str,
        new_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> RotationOutcome:
        async with self._db.engine.begin() as conn:
            # Compare-and-set: exactly one of two racing refreshes can win.
            swapped = await conn.execute(
                update(_sessions)
                .where(
                    _sessions.c.id == session_id,
                    _sessions.c.current_token_id == presented_token_id,
                    _sessions.c.revoked_at.is_(None),
                    _sessions.c.expires_at > now,
                )
                .values(current_token_id=new_token_id, expires_at=expires_at)
            )
            if swapped.rowcount == 1:
                return RotationOutcome.ROTATED
            row = (
                await conn.execute(
                    select(_sessions.c.revoked_at, _sessions.c.expires_at).where(
                        _sessions.c.id == session_id
                    )
                )
            ).first()
            if row is None or row.revoked_at is not None or row.expires_at <= now:
                return RotationOutcome.UNKNOWN
            await conn.execute(
                update(_sessions).where(_sessions.c.id == session_id).values(revoked_at=now)
            )
            return RotationOutcome.REUSED

    async def revoke_session(self, session_id: UUID, now: datetime) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(_sessions)
                .where(_sessions.c.id == session_id, _sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    async def revoke_user(self, user_id: UUID, now: datetime) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(_users).where(_users.c.id == user_id).values(tokens_valid_after=now)
            )
            await conn.execute(
                update(_sessions)
                .where(_sessions.c.user_id == user_id, _sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    async def revoke_sessions(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        where = [_sessions.c.user_id == user_id, _sessions.c.revoked_at.is_(None)]
        if keep is not None:
            where.append(_sessions.c.id != keep)
        async with self._db.engine.begin() as conn:
            await conn.execute(update(_sessions).where(*where).values(revoked_at=now))

    async def is_revoked(self, principal: Principal) -> bool:
        revoked_session = exists().where(
            _sessions.c.id == principal.session_id, _sessions.c.revoked_at.is_not(None)
        )
        user_cutoff = exists().where(
            _users.c.id == principal.user_id,
            or_(
                _users.c.deleted_at.is_not(None),
                and_(
                    _users.c.tokens_valid_after.is_not(None),
                    _users.c.tokens_valid_after >= principal.issued_at,
                ),
            ),
        )
        async with self._db.engine.connect() as conn:
            return bool((await conn.execute(select(or_(revoked_session, user_cutoff)))).scalar())

    async def ping(self) -> None:
        await self._db.ping()
