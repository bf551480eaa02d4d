"""AccountTokenStore and SubscriptionHistory: the same behaviour on SQLite and Postgres."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from adapters.sql.accounts import SqlAccountTokenStore, SqlSubscriptionHistory
from adapters.sql.users import SqlUserRepository
from domain.accounts.subscriptions import BillingSubscription, Plan, SubscriptionStatus
from domain.accounts.tokens import TokenPurpose, token_digest
from tests.contract.test_identity_ports import NOW, make_user

RESET, VERIFY = TokenPurpose.PASSWORD_RESET, TokenPurpose.EMAIL_VERIFICATION
HOUR = timedelta(hours=1)


async def a_user(sql_db):
    user = make_user()
    await SqlUserRepository(sql_db).add(user)
    return user


class TestAccountTokenStore:
    async def test_a_token_is_spent_once(self, sql_db):
        store, user = SqlAccountTokenStore(sql_db), await a_user(sql_db)
        await store.issue(user.id, RESET, token_digest("a"), NOW, NOW + HOUR)
        assert await store.consume(VERIFY, token_digest("a"), NOW) is None  # other purpose
        assert await store.consume(RESET, token_digest("a"), NOW) == user.id
        assert await store.consume(RESET, token_digest("a"), NOW) is None

    async def test_expiry_and_replacement(self, sql_db):
        store, user = SqlAccountTokenStore(sql_db), await a_user(sql_db)
        await store.issue(user.id, RESET, token_digest("old"), NOW, NOW + HOUR)
        await store.issue(user.id, VERIFY, token_digest("verify"), NOW, NOW + HOUR)
        await store.issue(user.id, RESET, token_digest("new"), NOW, NOW + HOUR)
        assert await store.consume(RESET, token_digest("old"), NOW) is None
        assert await store.consume(RESET, token_digest("new"), NOW + HOUR) is None  # expired
        # Replacing a reset token leaves the verification token alone.
        assert await store.consume(VERIFY, token_digest("verify"), NOW) == user.id

    async def test_invalidate(self, sql_db):
        store, user = SqlAccountTokenStore(sql_db), await a_user(sql_db)
        await store.issue(user.id, RESET, token_digest("t"), NOW, NOW + HOUR)
        await store.invalidate(user.id, RESET, NOW)
        assert await store.consume(RESET, token_digest("t"), NOW) is None

    async def test_racing_spends_have_one_winner(self, sql_db):
        store, user = SqlAccountTokenStore(sql_db), await a_user(sql_db)
        await store.issue(user.id, RESET, token_digest("race"), NOW, NOW + HOUR)
        results = await asyncio.gather(
            *[store.consume(RESET, token_digest("race"), NOW) for _ in range(5)]
        )
        assert [r for r in results if r is not None] == [user.id]


def record(
    user_id, sub_id: str, status=SubscriptionStatus.ACTIVE, created=NOW, **kw
) -> BillingSubscription:
    values = dict(
        id=uuid.uuid4(),
        user_id=user_id,
        provider_subscription_id=sub_id,
        provider_customer_id="cus_" + sub_id,
        plan=Plan.PREMIUM_MONTHLY,
        status=status,
        trial_ends_at=None,
        current_period_end=NOW + timedelta(days=30),
        cancel_at_period_end=False,
        created_at=created,
        updated_at=created,
        last_event_created=100,
    )
    values.update(kw)
    return BillingSubscription(**values)


class TestSubscriptionHistory:
    async def test_save_replaces_and_latest_is_the_newest(self, sql_db):
        history, user = SqlSubscriptionHistory(sql_db), await a_user(sql_db)
        first = record(user.id, f"sub_{uuid.uuid4().hex[:8]}")
        await history.save(first)
        second = record(
            user.id,
            f"sub_{uuid.uuid4().hex[:8]}",
            created=NOW + HOUR,
            status=SubscriptionStatus.TRIALING,
        )
        await history.save(second)
        assert await history.latest(user.id) == second
        changed = BillingSubscription(
            **{
                **{f: getattr(first, f) for f in first.__dataclass_fields__},
                "status": SubscriptionStatus.CANCELED,
                "cancel_at_period_end": True,
                "last_event_created": 200,
            }
        )
        await history.save(changed)
        assert await history.by_provider_id(first.provider_subscription_id) == changed
        assert await history.customer_ids(user.id) == sorted(
            {first.provider_customer_id, second.provider_customer_id}
        )
        assert await history.forget_customers(user.id) == 2
        assert await history.customer_ids(user.id) == []

    async def test_paying_ended_before(self, sql_db):
        history, user = SqlSubscriptionHistory(sql_db), await a_user(sql_db)
        ended = record(
            user.id, f"sub_{uuid.uuid4().hex[:8]}", current_period_end=NOW - timedelta(days=400)
        )
        running = record(user.id, f"sub_{uuid.uuid4().hex[:8]}")
        canceled = record(
            user.id,
            f"sub_{uuid.uuid4().hex[:8]}",
            status=SubscriptionStatus.CANCELED,
            current_period_end=NOW - timedelta(days=400),
        )
        for r in (ended, running, canceled):
            await history.save(r)
        found = await history.paying_ended_before(NOW - timedelta(days=300), 100)
        assert ended in found and running not in found and canceled not in found

    async def test_events_are_recorded_once(self, sql_db):
        history = SqlSubscriptionHistory(sql_db)
        event_id = f"evt_{uuid.uuid4().hex}"
        assert not await history.event_seen(event_id)
        await history.record_event(event_id, "customer.subscription.updated", 5, None, NOW)
        await history.record_event(event_id, "customer.subscription.updated", 5, None, NOW)
        assert await history.event_seen(event_id)
