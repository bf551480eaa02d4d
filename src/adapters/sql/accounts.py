"""Account-lifecycle ports on SQL: tokens, the sent-mail log, the subscription history."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, or_, select, update

from adapters.failures import translates_failures
from adapters.sql.accounts_models import (
    AccountTokenRow,
    EmailLogRow,
    PaymentEventRow,
    SubscriptionHistoryRow,
)
from adapters.sql.database import Database
from adapters.sql.failures import DATABASE
from domain.accounts.email import EmailKind
from domain.accounts.subscriptions import (
    PAYING,
    BillingSubscription,
    Plan,
    SubscriptionStatus,
)
from domain.accounts.tokens import TokenPurpose

_tokens = AccountTokenRow.__table__
_mail = EmailLogRow.__table__
_subs = SubscriptionHistoryRow.__table__
_events = PaymentEventRow.__table__


@translates_failures(DATABASE)
class SqlAccountTokenStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def issue(
        self, user_id: UUID, purpose: TokenPurpose, digest: str, now: datetime, expires_at: datetime
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(self._invalidate(user_id, purpose, now))
            await conn.execute(
                insert(_tokens).values(
                    id=uuid.uuid4(),
                    user_id=user_id,
                    purpose=purpose.value,
                    token_hash=digest,
                    created_at=now,
                    expires_at=expires_at,
                )
            )

    async def consume(self, purpose: TokenPurpose, digest: str, now: datetime) -> UUID | None:
        # One conditional UPDATE: of two requests spending the same token, one wins.
        stmt = (
            update(_tokens)
            .where(
                _tokens.c.token_hash == digest,
                _tokens.c.purpose == purpose.value,
                _tokens.c.used_at.is_(None),
                _tokens.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(_tokens.c.user_id)
        )
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(stmt)).first()
        return row.user_id if row else None

    async def invalidate(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(self._invalidate(user_id, purpose, now))

    @staticmethod
    def _invalidate(user_id: UUID, purpose: TokenPurpose, now: datetime):
        return (
            update(_tokens)
            .where(
                _tokens.c.user_id == user_id,
                _tokens.c.purpose == purpose.value,
                _tokens.c.used_at.is_(None),
            )
            .values(used_at=now)
        )


@translates_failures(DATABASE)
class SqlEmailLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, user_id: UUID, kind: EmailKind, sent_at: datetime) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                insert(_mail).values(
                    id=uuid.uuid4(), user_id=user_id, kind=kind.value, sent_at=sent_at
                )
            )


def _to_subscription(row) -> BillingSubscription:
    return BillingSubscription(
        id=row.id,
        user_id=row.user_id,
        provider_subscription_id=row.stripe_subscription_id,
        provider_customer_id=row.stripe_customer_id,
        plan=Plan(row.plan) if row.plan else None,
        status=SubscriptionStatus(row.status),
        trial_ends_at=row.trial_ends_at,
        current_period_end=row.current_period_end,
        cancel_at_period_end=row.cancel_at_period_end,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_event_created=row.last_event_created,
        ended_at=row.ended_at,
        past_due_since=row.past_due_since,
    )


@translates_failures(DATABASE)
class SqlSubscriptionHistory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def latest(self, user_id: UUID) -> BillingSubscription | None:
        stmt = (
            select(_subs)
            .where(_subs.c.user_id == user_id)
            .order_by(_subs.c.created_at.desc(), _subs.c.id.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return _to_subscription(row) if row else None

    async def by_provider_id(self, subscription_id: str) -> BillingSubscription | None:
        stmt = select(_subs).where(_subs.c.stripe_subscription_id == subscription_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return _to_subscription(row) if row else None

    async def save(self, s: BillingSubscription) -> None:
        values = {
            "id": s.id,
            "user_id": s.user_id,
            "stripe_subscription_id": s.provider_subscription_id,
            "stripe_customer_id": s.provider_customer_id,
            "plan": s.plan.value if s.plan else None,
            "status": s.status.value,
            "trial_ends_at": s.trial_ends_at,
            "current_period_end": s.current_period_end,
            "cancel_at_period_end": s.cancel_at_period_end,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
            "ended_at": s.ended_at,
            "last_event_created": s.last_event_created,
            "past_due_since": s.past_due_since,
        }
        insert_ = self._db.insert
        stmt = insert_(_subs).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_subs.c.id],
            set_={k: stmt.excluded[k] for k in values if k not in ("id", "user_id", "created_at")},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def customer_ids(self, user_id: UUID) -> list[str]:
        stmt = (
            select(_subs.c.stripe_customer_id)
            .distinct()
            .where(_subs.c.user_id == user_id, _subs.c.stripe_customer_id.is_not(None))
        )
        async with self._db.engine.connect() as conn:
            return sorted(r[0] for r in await conn.execute(stmt))

    async def forget_customers(self, user_id: UUID) -> int:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                update(_subs)
                .where(_subs.c.user_id == user_id, _subs.c.stripe_customer_id.is_not(None))
                .values(stripe_customer_id=None)
            )
        return max(result.rowcount or 0, 0)

    async def paying_ended_before(self, cutoff: datetime, limit: int) -> list[BillingSubscription]:
        stmt = (
            select(_subs)
            .where(
                _subs.c.status.in_([s.value for s in PAYING]),
                or_(
                    _subs.c.current_period_end <= cutoff,
                    _subs.c.trial_ends_at <= cutoff,
                    _subs.c.past_due_since <= cutoff,
                ),
            )
            .order_by(_subs.c.current_period_end)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [_to_subscription(r) for r in await conn.execute(stmt)]

    async def event_seen(self, event_id: str) -> bool:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_events.c.event_id).where(_events.c.event_id == event_id))
            ).first()
        return row is not None

    async def record_event(
        self, event_id: str, type_: str, created: int, user_id: UUID | None, now: datetime
    ) -> None:
        insert_ = self._db.insert
        stmt = insert_(_events).values(
            event_id=event_id, type=type_, created=created, received_at=now, user_id=user_id
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=[_events.c.event_id]))
