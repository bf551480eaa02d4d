"""Use cases for paid subscriptions: read, check out, cancel, apply the provider's events,
expire what lapsed, and erase the person at the provider when their account is purged."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.context import request_id_var
from application.ports.accounts import (
    CheckoutRequest,
    PaymentEvent,
    PaymentGateway,
    ProviderSubscription,
    SubscriptionHistory,
)
from application.ports.clock import Clock
from application.ports.identity import AuditLog, UserRepository
from domain.accounts.subscriptions import (
    BillingSubscription,
    Plan,
    SubscriptionStatus,
    next_tier,
    status_from_provider,
)
from domain.audit import AuditEvent, AuditKind
from domain.errors import AlreadySubscribed, DependencyUnavailable, NotFound
from domain.identity.model import Tier, User
from domain.identity.tokens import Principal

log = logging.getLogger("psi.billing")


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    tier: Tier
    status: SubscriptionStatus
    plan: Plan | None
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool


def view_of(user: User, sub: BillingSubscription | None) -> SubscriptionView:
    if sub is None:
        return SubscriptionView(user.tier, SubscriptionStatus.NONE, None, None, None, False)
    return SubscriptionView(
        user.tier,
        sub.status,
        sub.plan,
        sub.trial_ends_at,
        sub.current_period_end,
        sub.cancel_at_period_end,
    )


async def _active_user(users: UserRepository, user_id: UUID) -> User:
    user = await users.get(user_id)
    if user is None or not user.is_active:
        raise NotFound()
    return user


@dataclass(slots=True)
class TierSync:
    """Moves the account's tier to what its newest subscription gives, through the user
    repository (so cached copies of the account are dropped, as for an admin's change)."""

    users: UserRepository
    history: SubscriptionHistory
    audit: AuditLog

    async def __call__(self, user_id: UUID, now: datetime, cause: str) -> None:
        user = await self.users.get(user_id)
        if user is None or not user.is_active:
            return
        latest = await self.history.latest(user_id)
        status = latest.status if latest else SubscriptionStatus.NONE
        tier = next_tier(user.tier, status)
        if tier is user.tier:
            return
        await self.users.change_tier(user_id, tier, now)
        await self.audit.record(
            AuditEvent(
                AuditKind.TIER_CHANGED,
                now,
                subject_id=user_id,
                request_id=request_id_var.get(),
                details={
                    "from": user.tier.value,
                    "to": tier.value,
                    "source": cause,
                    "status": status.value,
                },
            )
        )


@dataclass(slots=True)
class GetSubscription:
    users: UserRepository
    history: SubscriptionHistory

    async def __call__(self, caller: Principal) -> SubscriptionView:
        user = await _active_user(self.users, caller.user_id)
        return view_of(user, await self.history.latest(user.id))


@dataclass(slots=True)
class StartCheckout:
    users: UserRepository
    history: SubscriptionHistory
    gateway: PaymentGateway
    trial_days: int

    async def __call__(self, caller: Principal, plan: Plan) -> str:
        if not self.gateway.configured:
            raise DependencyUnavailable("payments", "payments are not configured")
        user = await _active_user(self.users, caller.user_id)
        latest = await self.history.latest(user.id)
        if latest is not None and latest.paying:
            raise AlreadySubscribed()
        # One trial per person: whoever had a subscription before pays from day one.
        return await self.gateway.create_checkout(
            CheckoutRequest(
                user_id=user.id,
                email=user.email,
                customer_id=latest.provider_customer_id if latest else None,
                plan=plan,
                trial_days=self.trial_days if latest is None else 0,
            )
        )


@dataclass(slots=True)
class CancelSubscription:
    users: UserRepository
    history: SubscriptionHistory
    gateway: PaymentGateway
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal) -> SubscriptionView:
        if not self.gateway.configured:
            raise DependencyUnavailable("payments", "payments are not configured")
        user = await _active_user(self.users, caller.user_id)
        latest = await self.history.latest(user.id)
        if latest is None or not latest.paying:
            raise NotFound("No running subscription to cancel")
        reported = await self.gateway.cancel_at_period_end(latest.provider_subscription_id)
        now = self.clock.now()
        # Premium stays until the period ends; the provider's events take it from here.
        updated = replace(
            latest,
            cancel_at_period_end=True,
            updated_at=now,
            current_period_end=reported.current_period_end or latest.current_period_end,
        )
        await self.history.save(updated)
        await self.audit.record(
            AuditEvent(
                AuditKind.SUBSCRIPTION_CHANGED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
                details={"change": "cancel_at_period_end"},
            )
        )
        return view_of(user, updated)


@dataclass(slots=True)
class EndSubscriptionOnDeletion:
    """An account deleted by its owner is charged no more: its running subscription ends at
    once (not at the purge, 30 days later). Never fails the deletion itself."""

    history: SubscriptionHistory
    gateway: PaymentGateway
    clock: Clock

    async def __call__(self, user_id: UUID) -> bool:
        latest = await self.history.latest(user_id)
        if latest is None or not latest.paying:
            return False
        if not self.gateway.configured:
            log.warning("subscription_not_cancelled reason=unconfigured user_id=%s", user_id)
            return False
        try:
            await self.gateway.cancel_now(latest.provider_subscription_id)
        except DependencyUnavailable:
            # The purge deletes the customer (and so the subscription) in any case.
            log.warning("subscription_not_cancelled reason=unavailable user_id=%s", user_id)
            return False
        now = self.clock.now()
        await self.history.save(
            replace(latest, status=SubscriptionStatus.CANCELED, ended_at=now, updated_at=now)
        )
        return True


@dataclass(slots=True)
class ApplyPaymentEvent:
    """A verified provider event, applied at most once and never over a newer one."""

    history: SubscriptionHistory
    sync: TierSync
    clock: Clock
    audit: AuditLog

    async def __call__(self, event: PaymentEvent) -> bool:
        """True when it changed something; False for duplicates, stale or foreign events."""
        if await self.history.event_seen(event.id):
            return False
        now = self.clock.now()
        applied = await self._apply(event, now) if event.subscription is not None else None
        await self.history.record_event(
            event.id, event.type, event.created, applied.user_id if applied else None, now
        )
        if applied is None:
            return False
        await self.audit.record(
            AuditEvent(
                AuditKind.SUBSCRIPTION_CHANGED,
                now,
                subject_id=applied.user_id,
                request_id=request_id_var.get(),
                details={"event": event.type, "status": applied.status.value},
            )
        )
        await self.sync(applied.user_id, now, "payments")
        return True

    async def _apply(self, event: PaymentEvent, now: datetime) -> BillingSubscription | None:
        reported = event.subscription
        assert reported is not None
        known = await self.history.by_provider_id(reported.subscription_id)
        if known is not None and event.created < known.last_event_created:
            log.info("payment_event_stale type=%s", event.type)
            return None
        if known is None:
            if reported.user_id is None:
                log.warning("payment_event_without_account type=%s", event.type)
                return None
            known = _new_record(reported, reported.user_id, event, now)
        updated = _merge(known, reported, event, now)
        await self.history.save(updated)
        return updated


def _new_record(
    reported: ProviderSubscription, user_id: UUID, event: PaymentEvent, now: datetime
) -> BillingSubscription:
    status = SubscriptionStatus.TRIALING if event.trial else SubscriptionStatus.ACTIVE
    return BillingSubscription(
        id=uuid.uuid4(),
        user_id=user_id,
        provider_subscription_id=reported.subscription_id,
        provider_customer_id=reported.customer_id,
        plan=reported.plan,
        status=status,
        trial_ends_at=None,
        current_period_end=None,
        cancel_at_period_end=False,
        created_at=now,
        updated_at=now,
        last_event_created=0,
    )


def _merge(
    known: BillingSubscription, reported: ProviderSubscription, event: PaymentEvent, now: datetime
) -> BillingSubscription:
    changes: dict[str, Any] = {
        "updated_at": now,
        "last_event_created": max(event.created, known.last_event_created),
    }
    if reported.customer_id and not known.provider_customer_id:
        changes["provider_customer_id"] = reported.customer_id
    if reported.plan is not None:
        changes["plan"] = reported.plan
    if event.type.startswith("customer.subscription."):
        # A full snapshot of the subscription.
        status = status_from_provider(reported.status)
        if event.type == "customer.subscription.deleted":
            status = SubscriptionStatus.CANCELED
        changes.update(
            status=status,
            trial_ends_at=reported.trial_ends_at,
            current_period_end=reported.current_period_end,
            cancel_at_period_end=reported.cancel_at_period_end,
        )
        if status in (SubscriptionStatus.CANCELED, SubscriptionStatus.EXPIRED):
            changes["ended_at"] = known.ended_at or now
    elif event.type == "invoice.payment_failed" and known.paying:
        changes["status"] = SubscriptionStatus.PAST_DUE
    status = changes.get("status", known.status)
    # The grace period of a failed payment runs from the first failure.
    changes["past_due_since"] = (
        (known.past_due_since or now) if status is SubscriptionStatus.PAST_DUE else None
    )
    return replace(known, **changes)


@dataclass(slots=True)
class ExpireLapsedSubscriptions:
    """The scheduled backstop for missed events: a subscription still counted as paying
    whose paid (or trial) time ended more than a grace period ago is expired, and its
    account goes back to free (admins keep their role)."""

    history: SubscriptionHistory
    sync: TierSync
    clock: Clock
    grace: timedelta
    batch_size: int = 500

    async def __call__(self) -> int:
        now = self.clock.now()
        expired = 0
        for sub in await self.history.paying_ended_before(now - self.grace, self.batch_size):
            if not sub.lapsed(now, self.grace):
                continue
            await self.history.save(sub.expired(now))
            await self.sync(sub.user_id, now, "expiry")
            expired += 1
        return expired


@dataclass(slots=True)
class PaymentCustomerErasure:
    """The purge's share at the payment provider: each customer record of the person is
    deleted there (which also ends any subscription), then forgotten here. Holds nothing
    to export; the history rows themselves go with the SQL store."""

    history: SubscriptionHistory
    gateway: PaymentGateway
    name: str = "payments"

    async def sections(self) -> list[str]:
        return []

    async def export(self, user_id: UUID, section: str) -> AsyncIterator[dict[str, Any]]:
        return
        yield  # an async generator with nothing in it

    async def purge(self, user_id: UUID, batch_size: int) -> int:
        customers = await self.history.customer_ids(user_id)
        if not customers:
            return 0
        if self.gateway.configured:
            for customer in customers:
                await self.gateway.delete_customer(customer)
        else:
            log.warning("payment_customers_not_erased reason=unconfigured user_id=%s", user_id)
        return await self.history.forget_customers(user_id)
