"""UserRepository on SQL, with Core statements mapped straight to domain objects."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.failures import translates_failures
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from adapters.sql.models import SubscriptionRow, UserRow
from domain.errors import EmailAlreadyRegistered
from domain.identity.model import Subscription, Tier, User

_users = UserRow.__table__
_subs = SubscriptionRow.__table__
_USER_COLS = (
    _users.c.id,
    _users.c.email,
    _users.c.name,
    _users.c.password_hash,
    _users.c.subscription_tier,
    _users.c.email_verified,
    _users.c.created_at,
    _users.c.updated_at,
    _users.c.last_login_at,
    _users.c.deleted_at,
)


def _to_user(row) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        password_hash=row.password_hash,
        tier=Tier(row.subscription_tier),
        email_verified=row.email_verified,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_login_at=row.last_login_at,
        deleted_at=row.deleted_at,
    )


@translates_failures(DATABASE)
class SqlUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._by_id = select(*_USER_COLS).where(_users.c.id == bindparam("id"))

    async def add(self, user: User) -> None:
        try:
            async with self._db.engine.begin() as conn:
                await conn.execute(
                    insert(_users).values(
                        id=user.id,
                        email=user.email,
                        name=user.name,
                        password_hash=user.password_hash,
                        subscription_tier=user.tier.value,
                        email_verified=user.email_verified,
                        created_at=user.created_at,
                        updated_at=user.updated_at,
                        last_login_at=user.last_login_at,
                    )
                )
                await conn.execute(
                    insert(_subs).values(
                        user_id=user.id,
                        tier=user.tier.value,
                        status="active",
                        started_at=user.created_at,
                        updated_at=user.created_at,
                    )
                )
        except IntegrityError as exc:
            raise EmailAlreadyRegistered() from exc

    async def get(self, user_id: UUID, *, with_secret: bool = False) -> User | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(self._by_id, {"id": user_id})).first()
        return _to_user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(*_USER_COLS).where(_users.c.email == email))).first()
        return _to_user(row) if row else None

    async def save(self, user: User) -> None:
        async with self._db.engine.begin() as conn:
            values = dict(
                name=user.name,
                subscription_tier=user.tier.value,
                email_verified=user.email_verified,
                updated_at=user.updated_at,
                last_login_at=user.last_login_at,
            )
            if user.password_hash is not None:  # None: not loaded, left as stored
                values["password_hash"] = user.password_hash
            await conn.execute(update(_users).where(_users.c.id == user.id).values(**values))

    async def get_subscription(self, user_id: UUID) -> Subscription | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(_subs).where(_subs.c.user_id == user_id))).first()
        if row is None:
            return None
        return Subscription(
            user_id=row.user_id,
            tier=Tier(row.tier),
            status=row.status,
            started_at=row.started_at,
            updated_at=row.updated_at,
            expires_at=row.expires_at,
        )

    async def change_tier(self, user_id: UUID, tier: Tier, now: datetime) -> User | None:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                update(_users)
                .where(_users.c.id == user_id, _users.c.deleted_at.is_(None))
                .values(subscription_tier=tier.value, updated_at=now)
            )
            if result.rowcount == 0:
                return None
            await conn.execute(
                update(_subs)
                .where(_subs.c.user_id == user_id)
                .values(tier=tier.value, updated_at=now)
            )
            row = (await conn.execute(self._by_id, {"id": user_id})).first()
        return _to_user(row) if row else None

    async def mark_deleted(
        self, user_id: UUID, now: datetime, purge_after: datetime, email: str, name: str
    ) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                update(_users)
                .where(_users.c.id == user_id, _users.c.deleted_at.is_(None))
                .values(
                    deleted_at=now,
                    purge_after=purge_after,
                    email=email,
                    name=name,
                    password_hash="!",  # noqa: S106 (an unusable hash, not a password)
                    tokens_valid_after=now,
                    updated_at=now,
                )
            )
            await conn.execute(
                update(_subs)
                .where(_subs.c.user_id == user_id)
                .values(status="cancelled", updated_at=now)
            )
        return result.rowcount == 1

    async def due_for_purge(self, now: datetime, limit: int) -> list[UUID]:
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(
                select(_users.c.id)
                .where(_users.c.deleted_at.is_not(None), _users.c.purge_after <= now)
                .order_by(_users.c.purge_after)
                .limit(limit)
            )
            return [r.id for r in rows]

    async def remove(self, user_id: UUID) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(delete(_subs).where(_subs.c.user_id == user_id))
            await conn.execute(delete(_users).where(_users.c.id == user_id))
