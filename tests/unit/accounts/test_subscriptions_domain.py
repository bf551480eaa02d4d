"""What each subscription state gives, and when a subscription has lapsed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.accounts.subscriptions import (
    BillingSubscription,
    SubscriptionStatus,
    next_tier,
    status_from_provider,
)
from domain.identity.model import Tier

NOW = datetime(2026, 12, 1, tzinfo=UTC)
GRACE = timedelta(days=7)


def sub(status: SubscriptionStatus, period_end=None, trial_end=None) -> BillingSubscription:
    return BillingSubscription(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        provider_subscription_id="sub_1",
        provider_customer_id="cus_1",
        plan=None,
        status=status,
        trial_ends_at=trial_end,
        current_period_end=period_end,
        cancel_at_period_end=False,
        created_at=NOW,
        updated_at=NOW,
        last_event_created=0,
    )


@pytest.mark.parametrize(
    "raw,status,tier",
    [
        ("trialing", "trialing", "premium"),
        ("active", "active", "premium"),
        ("past_due", "past_due", "premium"),
        ("unpaid", "past_due", "premium"),
        ("canceled", "canceled", "free"),
        ("incomplete", "none", "free"),
        ("incomplete_expired", "expired", "free"),
        ("paused", "expired", "free"),
        ("something_new", "none", "free"),
        (None, "none", "free"),
    ],
)
def test_provider_statuses_and_the_tier_they_give(raw, status, tier):
    assert status_from_provider(raw) == status
    assert next_tier(Tier.FREE, status_from_provider(raw)) == tier
    assert next_tier(Tier.ADMIN, status_from_provider(raw)) is Tier.ADMIN


def test_lapsed_only_after_the_grace_period():
    running = sub(SubscriptionStatus.ACTIVE, period_end=NOW)
    assert not running.lapsed(NOW + GRACE - timedelta(seconds=1), GRACE)
    assert running.lapsed(NOW + GRACE, GRACE)
    trial = sub(SubscriptionStatus.TRIALING, trial_end=NOW)
    assert trial.lapsed(NOW + GRACE, GRACE)
    # A later period end wins over the trial's end.
    both = sub(SubscriptionStatus.TRIALING, period_end=NOW + timedelta(days=30), trial_end=NOW)
    assert not both.lapsed(NOW + GRACE, GRACE)
    assert not sub(SubscriptionStatus.CANCELED, period_end=NOW).lapsed(NOW + 10 * GRACE, GRACE)
    assert not sub(SubscriptionStatus.ACTIVE).lapsed(NOW + 10 * GRACE, GRACE)  # nothing known
    expired = running.expired(NOW + GRACE)
    assert expired.status is SubscriptionStatus.EXPIRED and expired.ended_at == NOW + GRACE


def test_a_failed_payment_keeps_premium_only_for_the_grace_period():
    from dataclasses import replace

    # Stripe moves the period forward at renewal, then the payment fails: the period end
    # is far away, the grace runs from the failure.
    failing = replace(
        sub(SubscriptionStatus.PAST_DUE, period_end=NOW + timedelta(days=30)), past_due_since=NOW
    )
    assert not failing.lapsed(NOW + GRACE - timedelta(seconds=1), GRACE)
    assert failing.lapsed(NOW + GRACE, GRACE)
