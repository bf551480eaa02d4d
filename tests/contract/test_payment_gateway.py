"""PaymentGateway on Stripe: the official SDK against a local server speaking Stripe's wire
format, and webhook payloads signed the way Stripe signs them."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pytest

from adapters.payments.stripe_gateway import StripeGateway
from application.ports.accounts import CheckoutRequest
from domain.accounts.subscriptions import Plan
from domain.errors import DependencyUnavailable, ValidationFailed
from tests.support.fake_stripe import (
    KEY,
    WEBHOOK_SECRET,
    FakeStripe,
    checkout_session,
    event,
    invoice_failed,
    sign,
    subscription,
)

PRICES = {Plan.PREMIUM_MONTHLY: "price_monthly", Plan.PREMIUM_YEARLY: "price_yearly"}


@pytest.fixture
def server():
    with FakeStripe() as s:
        yield s


def gateway(server, **kw) -> StripeGateway:
    options = dict(secret_key=KEY, webhook_secret=WEBHOOK_SECRET, prices=PRICES)
    options.update(kw)
    return StripeGateway(
        options["secret_key"],
        options["webhook_secret"],
        options["prices"],
        api_base=server.base_url,
        timeout_s=5,
        success_url="https://app.test/ok",
        cancel_url="https://app.test/no",
    )


def test_configured_only_with_a_key_and_both_prices(server):
    assert gateway(server).configured
    assert not gateway(server, secret_key=None).configured
    assert not gateway(
        server, prices={Plan.PREMIUM_MONTHLY: "price_monthly", Plan.PREMIUM_YEARLY: None}
    ).configured


async def test_unconfigured_calls_are_payments_unavailable(server):
    g = gateway(server, secret_key=None, webhook_secret=None)
    for call in (
        g.cancel_at_period_end("sub_1"),
        g.delete_customer("cus_1"),
        g.cancel_now("sub_1"),
    ):
        with pytest.raises(DependencyUnavailable) as err:
            await call
        assert err.value.details["dependency"] == "payments"
    with pytest.raises(DependencyUnavailable):
        g.parse_event(b"{}", "t=1,v1=00")


async def test_checkout_for_a_returning_customer_has_no_email_and_no_trial(server):
    url = await gateway(server).create_checkout(
        CheckoutRequest(uuid.uuid4(), "x@example.com", "cus_9", Plan.PREMIUM_MONTHLY, trial_days=0)
    )
    assert url.startswith("https://checkout.stripe.com/")
    [form] = server.calls("POST", "/v1/checkout/sessions")
    assert form["customer"] == "cus_9" and "customer_email" not in form
    assert form["line_items[0][price]"] == "price_monthly" and form["metadata[trial]"] == "0"
    assert "subscription_data[trial_period_days]" not in form


async def test_customers_and_subscriptions(server):
    g = gateway(server)
    server.customers.add("cus_1")
    await g.delete_customer("cus_1")
    await g.delete_customer("cus_1")  # already gone: not an error
    server.subscriptions["sub_1"] = subscription(
        "sub_1", "cus_1", "active", period_end=1_800_000_000
    )
    reported = await g.cancel_at_period_end("sub_1")
    assert reported.cancel_at_period_end is True and reported.status == "active"
    assert reported.current_period_end == datetime.fromtimestamp(1_800_000_000, UTC)
    assert reported.plan is Plan.PREMIUM_MONTHLY
    await g.cancel_now("sub_1")
    assert server.subscriptions["sub_1"]["status"] == "canceled"
    await g.cancel_now("sub_missing")  # unknown: nothing to cancel
    with pytest.raises(DependencyUnavailable):
        await g.cancel_at_period_end("sub_missing")
    server.fail_with = 503
    with pytest.raises(DependencyUnavailable):
        await g.delete_customer("cus_2")


async def test_a_wrong_key_is_payments_unavailable(server):
    with pytest.raises(DependencyUnavailable):
        await gateway(server, secret_key="sk_test_wrong").create_checkout(
            CheckoutRequest(uuid.uuid4(), "x@example.com", None, Plan.PREMIUM_YEARLY, trial_days=14)
        )


def test_events_in_stripe_wire_format(server):
    g = gateway(server)
    uid = uuid.uuid4()
    now = int(time.time())

    def parse(kind, obj):
        payload = event(kind, obj, now)
        return g.parse_event(payload, sign(payload))

    done = parse(
        "checkout.session.completed",
        checkout_session(str(uid), "sub_1", "cus_1", "premium_yearly", trial=True),
    )
    assert (done.trial, done.created, done.subscription.user_id) == (True, now, uid)
    assert (
        done.subscription.subscription_id,
        done.subscription.customer_id,
        done.subscription.plan,
    ) == ("sub_1", "cus_1", Plan.PREMIUM_YEARLY)
    # The plan from the price when metadata does not say.
    updated = parse(
        "customer.subscription.updated",
        subscription(
            "sub_1",
            {"id": "cus_1", "object": "customer"},
            "past_due",
            plan=None,
            price="price_yearly",
            trial_end=now,
            period_end=now + 10,
        ),
    )
    s = updated.subscription
    assert (s.status, s.plan, s.customer_id, s.user_id) == (
        "past_due",
        Plan.PREMIUM_YEARLY,
        "cus_1",
        None,
    )
    assert s.current_period_end == datetime.fromtimestamp(now + 10, UTC)
    failed = parse("invoice.payment_failed", invoice_failed("sub_1", "cus_1"))
    assert (failed.subscription.subscription_id, failed.subscription.status) == (
        "sub_1",
        "past_due",
    )
    # Older API versions name the subscription on the invoice itself.
    older = parse(
        "invoice.payment_failed",
        {"id": "in_1", "object": "invoice", "customer": "cus_1", "subscription": "sub_7"},
    )
    assert older.subscription.subscription_id == "sub_7"
    assert parse("invoice.paid", {"id": "in_2", "object": "invoice"}).subscription is None


def test_signatures(server):
    g = gateway(server)
    payload = event(
        "customer.subscription.deleted",
        subscription("sub_1", "cus_1", "canceled"),
        int(time.time()),
    )
    assert g.parse_event(payload, sign(payload)).type == "customer.subscription.deleted"
    for bad in (
        None,
        "",
        sign(payload, secret="whsec_x"),
        sign(payload + b" "),
        sign(payload, timestamp=int(time.time()) - 3600),
    ):
        with pytest.raises(ValidationFailed):
            g.parse_event(payload, bad)
    garbage = json.dumps({"id": "evt_1"}).encode()  # signed, but not an event
    with pytest.raises(ValidationFailed):
        g.parse_event(garbage, sign(garbage))
