"""Subscriptions through Stripe (contract, second wave), in both profiles.

The real `stripe` SDK talks to a local server speaking Stripe's wire format; webhooks are
signed the way Stripe signs them."""

from __future__ import annotations

import time
import uuid

import msgspec
import pytest
from sqlalchemy import func, select

from adapters.sql import metadata  # noqa: F401  (every table)
from adapters.sql.base import Base
from adapters.sql.database import Database
from domain.errors import DailyQuotaExceeded
from tests.api.test_identity import assert_error
from tests.support.app import api_client
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

HOOK = "/api/v1/webhooks/stripe"
SUB = "/api/v1/users/me/subscription"


@pytest.fixture
def stripe_server():
    with FakeStripe() as server:
        yield server


@pytest.fixture
def paid_settings(settings, stripe_server):
    return msgspec.structs.replace(
        settings,
        stripe_secret_key=KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_price_monthly="price_monthly",
        stripe_price_yearly="price_yearly",
        stripe_api_base=stripe_server.base_url,
    )


@pytest.fixture
async def pay(paid_settings, clock):
    async with api_client(paid_settings, clock) as c:
        yield c


async def post_event(client, payload: bytes, signature: str | None = None):
    return await client.post(
        HOOK,
        content=payload,
        headers={
            "content-type": "application/json",
            "stripe-signature": signature if signature is not None else sign(payload),
        },
    )


async def state(client, headers) -> dict:
    r = await client.get(SUB, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def register(client):
    from tests.support.app import Api

    return await Api(client).user()


async def test_without_payment_settings_checkout_is_503_payments(api, client):
    _, headers, _ = await api.user()
    assert await state(client, headers) == {
        "tier": "free",
        "status": "none",
        "plan": None,
        "trial_ends_at": None,
        "current_period_end": None,
        "cancel_at_period_end": False,
    }
    r = await client.post(f"{SUB}/checkout", headers=headers, json={"plan": "premium_monthly"})
    error = assert_error(r, 503, "PSI-SYS-5003")
    assert error["details"]["dependency"] == "payments" and error["details"]["retryable"]
    assert_error(await client.post(f"{SUB}/cancel", headers=headers), 503, "PSI-SYS-5003")
    payload = event(
        "customer.subscription.updated", subscription("sub_x", "cus_x", "active"), int(time.time())
    )
    assert_error(await post_event(client, payload), 503, "PSI-SYS-5003")


async def test_checkout_creates_a_stripe_session_with_a_trial(pay, stripe_server):
    user, headers, _ = await register(pay)
    r = await pay.post(f"{SUB}/checkout", headers=headers, json={"plan": "premium_yearly"})
    assert r.status_code == 201, r.text
    url = r.json()["data"]["checkout_url"]
    assert url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [form] = stripe_server.calls("POST", "/v1/checkout/sessions")
    assert form["mode"] == "subscription"
    assert form["line_items[0][price]"] == "price_yearly"
    assert form["client_reference_id"] == user["id"]
    assert form["customer_email"] == user["email"]
    assert form["subscription_data[trial_period_days]"] == "14"
    assert form["subscription_data[metadata][user_id]"] == user["id"]
    assert form["subscription_data[metadata][plan]"] == "premium_yearly"
    for body in ({"plan": "gold"}, {"plan": "premium_monthly", "coupon": "x"}, {}):
        r = await pay.post(f"{SUB}/checkout", headers=headers, json=body)
        assert_error(r, 400, "PSI-VAL-1001")
    assert_error(
        await pay.post(f"{SUB}/checkout", json={"plan": "premium_monthly"}), 401, "PSI-AUTH-1001"
    )


async def test_stripe_down_is_a_503_not_a_500(pay, stripe_server):
    _, headers, _ = await register(pay)
    stripe_server.fail_with = 500
    r = await pay.post(f"{SUB}/checkout", headers=headers, json={"plan": "premium_monthly"})
    assert assert_error(r, 503, "PSI-SYS-5003")["details"]["dependency"] == "payments"


async def test_the_subscription_lifecycle_moves_status_and_tier(pay, stripe_server):
    user, headers, _ = await register(pay)
    uid, now = user["id"], int(time.time())
    trial_end, period_end = now + 14 * 86400, now + 14 * 86400
    completed = event(
        "checkout.session.completed",
        checkout_session(uid, "sub_1", "cus_1", "premium_monthly"),
        now,
        event_id="evt_checkout",
    )
    r = await post_event(pay, completed)
    assert r.status_code == 200 and r.json()["data"] == {"received": True, "applied": True}
    s = await state(pay, headers)
    assert (s["tier"], s["status"], s["plan"]) == ("premium", "trialing", "premium_monthly")
    # The same token sees the new tier on its next request.
    me = (await pay.get("/api/v1/users/me", headers=headers)).json()["data"]
    assert me["subscription_tier"] == "premium"
    # A redelivery is acknowledged and changes nothing.
    r = await post_event(pay, completed)
    assert r.status_code == 200 and r.json()["data"]["applied"] is False

    updated = subscription(
        "sub_1", "cus_1", "trialing", user_id=uid, trial_end=trial_end, period_end=period_end
    )
    r = await post_event(pay, event("customer.subscription.updated", updated, now + 1))
    assert r.json()["data"]["applied"] is True
    s = await state(pay, headers)
    assert s["trial_ends_at"] is not None and s["current_period_end"] is not None
    assert s["trial_ends_at"].endswith("Z")

    active = subscription(
        "sub_1", "cus_1", "active", user_id=uid, period_end=now + 30 * 86400, period_on_items=False
    )
    await post_event(pay, event("customer.subscription.updated", active, now + 100))
    # An event Stripe created earlier, delivered late, does not undo a newer one.
    stale = subscription("sub_1", "cus_1", "canceled", user_id=uid)
    r = await post_event(pay, event("customer.subscription.updated", stale, now + 50))
    assert r.status_code == 200 and r.json()["data"]["applied"] is False
    assert (await state(pay, headers))["status"] == "active"

    r = await post_event(
        pay, event("invoice.payment_failed", invoice_failed("sub_1", "cus_1"), now + 200)
    )
    s = await state(pay, headers)
    assert (s["status"], s["tier"]) == ("past_due", "premium")  # within grace

    stripe_server.subscriptions["sub_1"] = subscription(
        "sub_1", "cus_1", "active", user_id=uid, period_end=now + 30 * 86400
    )
    r = await pay.post(f"{SUB}/cancel", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["cancel_at_period_end"] is True
    assert r.json()["data"]["tier"] == "premium"  # until the period ends
    [form] = stripe_server.calls("POST", "/v1/subscriptions/sub_1")
    assert form == {"cancel_at_period_end": "true"}

    deleted = subscription("sub_1", "cus_1", "canceled", user_id=uid)
    await post_event(pay, event("customer.subscription.deleted", deleted, now + 300))
    s = await state(pay, headers)
    assert (s["status"], s["tier"]) == ("canceled", "free")
    assert_error(await pay.post(f"{SUB}/cancel", headers=headers), 404, "PSI-RES-3004")

    # Coming back: same Stripe customer, no second trial.
    r = await pay.post(f"{SUB}/checkout", headers=headers, json={"plan": "premium_monthly"})
    assert r.status_code == 201
    form = stripe_server.calls("POST", "/v1/checkout/sessions")[-1]
    assert form["customer"] == "cus_1" and "customer_email" not in form
    assert "subscription_data[trial_period_days]" not in form


async def test_a_running_subscription_cannot_be_bought_twice(pay):
    user, headers, _ = await register(pay)
    await post_event(
        pay,
        event(
            "checkout.session.completed",
            checkout_session(user["id"], "sub_2", "cus_2", "premium_monthly"),
            int(time.time()),
        ),
    )
    r = await pay.post(f"{SUB}/checkout", headers=headers, json={"plan": "premium_yearly"})
    assert_error(r, 409, "PSI-PAY-7001")


async def test_unsigned_or_tampered_webhooks_change_nothing(pay):
    user, headers, _ = await register(pay)
    payload = event(
        "checkout.session.completed",
        checkout_session(user["id"], "sub_3", "cus_3", "premium_monthly"),
        int(time.time()),
    )
    for signature in (
        "",
        "t=1,v1=00",
        sign(payload, secret="whsec_other"),
        sign(payload, timestamp=int(time.time()) - 3600),
    ):
        r = await post_event(pay, payload, signature)
        assert_error(r, 400, "PSI-VAL-1001")
    tampered = payload.replace(b"premium_monthly", b"premium_yearly")
    assert_error(await post_event(pay, tampered, sign(payload)), 400, "PSI-VAL-1001")
    assert_error(await post_event(pay, b"not json", sign(b"not json")), 400, "PSI-VAL-1001")
    assert (await state(pay, headers))["tier"] == "free"


async def test_an_admin_keeps_the_role_whatever_the_subscription_does(pay, paid_settings):
    from entrypoints.cli import set_tier_command
    from tests.support.app import Api

    api = Api(pay)
    user = await api.register()
    await set_tier_command(paid_settings, user["email"], "admin")
    headers = {"Authorization": f"Bearer {(await api.login(user['email']))['access_token']}"}
    now = int(time.time())
    await post_event(
        pay,
        event(
            "checkout.session.completed",
            checkout_session(user["id"], "sub_4", "cus_4", "premium_monthly"),
            now,
        ),
    )
    await post_event(
        pay,
        event(
            "customer.subscription.deleted",
            subscription("sub_4", "cus_4", "canceled", user_id=user["id"]),
            now + 10,
        ),
    )
    s = await state(pay, headers)
    assert (s["tier"], s["status"]) == ("admin", "canceled")


async def test_the_expiry_job_ends_a_lapsed_subscription(pay, paid_settings, clock):
    from entrypoints.jobs.accounts import run_expire_subscriptions
    from entrypoints.jobs.scheduler import JOBS

    assert "expire-subscriptions" in {job.name for job in JOBS}
    user, headers, _ = await register(pay)
    now = int(clock.now().timestamp())
    await post_event(
        pay,
        event(
            "customer.subscription.updated",
            subscription("sub_5", "cus_5", "active", user_id=user["id"], period_end=now + 86400),
            now,
        ),
    )
    assert (await state(pay, headers))["tier"] == "premium"
    clock.advance(days=1 + paid_settings.subscription_grace_days - 1)
    assert await run_expire_subscriptions(paid_settings, clock=clock) == 0  # within grace
    clock.advance(days=1, seconds=1)
    assert await run_expire_subscriptions(paid_settings, clock=clock) == 1
    # Tokens issued before the advance have expired; sign in again.
    from tests.support.app import Api

    tokens = await Api(pay).login(user["email"])
    s = await state(pay, {"Authorization": f"Bearer {tokens['access_token']}"})
    assert (s["status"], s["tier"]) == ("expired", "free")
    assert await run_expire_subscriptions(paid_settings, clock=clock) == 0  # idempotent


async def test_a_failed_payment_keeps_premium_for_the_grace_period_only(pay, paid_settings, clock):
    from entrypoints.jobs.accounts import run_expire_subscriptions
    from tests.support.app import Api

    user, headers, _ = await register(pay)
    now = int(clock.now().timestamp())
    # Renewed (the period moved a month ahead), then the renewal payment failed.
    await post_event(
        pay,
        event(
            "customer.subscription.updated",
            subscription(
                "sub_8", "cus_8", "active", user_id=user["id"], period_end=now + 30 * 86400
            ),
            now,
        ),
    )
    await post_event(
        pay, event("invoice.payment_failed", invoice_failed("sub_8", "cus_8"), now + 1)
    )
    assert (await state(pay, headers))["status"] == "past_due"
    clock.advance(days=paid_settings.subscription_grace_days - 1)
    assert await run_expire_subscriptions(paid_settings, clock=clock) == 0
    clock.advance(days=1, seconds=1)
    assert await run_expire_subscriptions(paid_settings, clock=clock) == 1
    tokens = await Api(pay).login(user["email"])
    s = await state(pay, {"Authorization": f"Bearer {tokens['access_token']}"})
    assert (s["status"], s["tier"]) == ("expired", "free")
    # Stripe collects after all: a newer event makes it active again.
    await post_event(
        pay,
        event(
            "customer.subscription.updated",
            subscription(
                "sub_8", "cus_8", "active", user_id=user["id"], period_end=now + 30 * 86400
            ),
            now + 10,
        ),
    )
    s = await state(pay, {"Authorization": f"Bearer {tokens['access_token']}"})
    assert (s["status"], s["tier"]) == ("active", "premium")


async def test_purge_deletes_the_stripe_customer_and_the_history(
    pay, paid_settings, clock, stripe_server
):
    from entrypoints.jobs.privacy import run_purge

    user, headers, _ = await register(pay)
    stripe_server.customers.add("cus_6")
    stripe_server.subscriptions["sub_6"] = subscription(
        "sub_6", "cus_6", "trialing", user_id=user["id"]
    )
    await post_event(
        pay,
        event(
            "checkout.session.completed",
            checkout_session(user["id"], "sub_6", "cus_6", "premium_monthly"),
            int(time.time()),
        ),
    )
    doc = (await pay.get("/api/v1/users/me/data-export", headers=headers)).json()
    history = [s for s in doc["subscriptions"] if "stripe_subscription_id" in s]
    assert (
        history and history[0]["status"] == "trialing" and history[0]["plan"] == "premium_monthly"
    )
    assert {"kind", "sent_at"} <= set(doc["emails_sent"][0])
    assert doc["emails_sent"][0]["kind"] == "email_verification"
    held = await rows_of(paid_settings, user["id"])
    assert held["subscription_history"] == held["email_log"] == held["payment_events"] == 1
    r = await pay.request(
        "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
    )
    assert r.status_code == 202, r.text
    # Deleted by its owner: charged no more from now on.
    assert stripe_server.subscriptions["sub_6"]["status"] == "canceled"
    clock.advance(days=31)
    report = await run_purge(paid_settings, clock=clock)
    assert report.complete and report.accounts == 1
    assert stripe_server.calls("DELETE", "/v1/customers/cus_6") == [{}]
    assert "cus_6" not in stripe_server.customers
    assert await rows_of(paid_settings, user["id"]) == {
        "subscription_history": 0,
        "email_log": 0,
        "payment_events": 0,
        "account_tokens": 0,
    }


async def rows_of(settings, user_id: str) -> dict[str, int]:
    db = Database(settings.sql_url)
    counts = {}
    try:
        async with db.engine.connect() as conn:
            for name in ("subscription_history", "email_log", "payment_events", "account_tokens"):
                table = Base.metadata.tables[name]
                counts[name] = (
                    await conn.execute(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.user_id == uuid.UUID(user_id))
                    )
                ).scalar()
    finally:
        await db.dispose()
    return counts


def test_the_free_tier_upsell_points_at_checkout():
    from application.food.quota import UPGRADE_URL

    assert UPGRADE_URL == "/api/v1/users/me/subscription/checkout"
    exc = DailyQuotaExceeded(60, 3, "2026-01-01T00:00:00Z", UPGRADE_URL)
    assert exc.details["upgrade_url"] == UPGRADE_URL
