"""Paid subscriptions: their states, what tier each state gives, and when one has lapsed.

The payment provider is the source of truth for a subscription's state; Psi keeps a
history (one record per provider subscription) moved by the provider's events, applied
in the order the provider created them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.identity.model import Tier


class Plan(StrEnum):
    PREMIUM_MONTHLY = "premium_monthly"
    PREMIUM_YEARLY = "premium_yearly"


class SubscriptionStatus(StrEnum):
    NONE = "none"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    EXPIRED = "expired"


# Statuses that keep premium (past_due only within the grace period, see `lapsed`).
PAYING = frozenset(
    {SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE}
)

# The provider's statuses, in Psi's words. `unpaid` keeps retrying payment: still in
# grace. `incomplete` never got its first payment; `paused` ended a trial without a
# payment method; `incomplete_expired` gave up: none of them gives premium.
_PROVIDER_STATUS = {
    "trialing": SubscriptionStatus.TRIALING,
    "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELED,
    "incomplete": SubscriptionStatus.NONE,
    "incomplete_expired": SubscriptionStatus.EXPIRED,
    "paused": SubscriptionStatus.EXPIRED,
}


def status_from_provider(raw: str | None) -> SubscriptionStatus:
    return _PROVIDER_STATUS.get(raw or "", SubscriptionStatus.NONE)


@dataclass(frozen=True, slots=True)
class BillingSubscription:
    """One provider subscription of a person, as last reported."""

    id: UUID
    user_id: UUID
    provider_subscription_id: str
    provider_customer_id: str | None
    plan: Plan | None
    status: SubscriptionStatus
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    created_at: datetime
    updated_at: datetime
    last_event_created: int  # the provider's `created` (epoch s) of the last event applied
    ended_at: datetime | None = None
    past_due_since: datetime | None = None  # when a payment first failed (grace runs from it)

    @property
    def paying(self) -> bool:
        return self.status in PAYING

    def ends_at(self) -> datetime | None:
        ends = [d for d in (self.current_period_end, self.trial_ends_at) if d is not None]
        return max(ends) if ends else None

    def lapsed(self, now: datetime, grace: timedelta) -> bool:
        """Still counted as paying, but a payment failed more than a grace period ago, or
        its paid (or trial) time ended more than a grace period ago with no word from the
        provider (a missed renewal or cancellation)."""
        if not self.paying:
            return False
        if (
            self.status is SubscriptionStatus.PAST_DUE
            and self.past_due_since is not None
            and self.past_due_since + grace <= now
        ):
            return True
        ends = self.ends_at()
        return ends is not None and ends + grace <= now

    def expired(self, now: datetime) -> BillingSubscription:
        return replace(
            self, status=SubscriptionStatus.EXPIRED, updated_at=now, ended_at=self.ended_at or now
        )


def tier_for(status: SubscriptionStatus) -> Tier:
    return Tier.PREMIUM if status in PAYING else Tier.FREE


def next_tier(current: Tier, status: SubscriptionStatus) -> Tier:
    """The account's tier after its subscription moved to `status`; an admin stays admin."""
    if current is Tier.ADMIN:
        return current
    return tier_for(status)
