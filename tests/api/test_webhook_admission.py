"""The Stripe webhook at the edge: its signature is its gate, not the per-address limit.

Stripe delivers bursts and retries from a few addresses; under the anonymous limit
(20/min per address) they were refused with 429 and billing events waited for Stripe's
next retry. A forged event is refused by the signature check, before any store work."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import msgspec
import pytest
from sqlalchemy.engine import make_url

from entrypoints.settings import Settings
from tests.api.test_identity import assert_error
from tests.support.app import Api, api_client
from tests.support.fake_stripe import WEBHOOK_SECRET, checkout_session, event, sign, subscription
from tests.support.tcp_proxy import TcpProxy

HOOK = "/api/v1/webhooks/stripe"
ANONYMOUS_PER_MIN = 20


def with_webhooks(settings: Settings, **overrides) -> Settings:
    return msgspec.structs.replace(
        settings,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_price_monthly="price_monthly",
        stripe_price_yearly="price_yearly",
        **overrides,
    )


async def post_event(client, payload: bytes, signature: str):
    return await client.post(
        HOOK,
        content=payload,
        headers={"content-type": "application/json", "stripe-signature": signature},
    )


def forgeries(payload: bytes) -> list[str]:
    return [
        "",
        "t=1,v1=00",
        sign(payload, secret="whsec_someone_else"),
        sign(payload, timestamp=int(time.time()) - 3600),  # replayed after the tolerance
    ]


async def test_a_burst_of_signed_events_from_one_address_is_all_applied(settings):
    limited = with_webhooks(settings, rate_limit_ip_per_min=ANONYMOUS_PER_MIN)
    async with api_client(limited) as client:
        user, headers, _ = await Api(client).user()
        now, sub = int(time.time()), f"sub_{uuid.uuid4().hex[:10]}"
        burst = [
            event(
                "checkout.session.completed",
                checkout_session(user["id"], sub, "cus_b", "premium_monthly"),
                now,
            )
        ] + [
            event(
                "customer.subscription.updated",
                subscription(sub, "cus_b", "active", user_id=user["id"]),
                now + i,
            )
            for i in range(1, 50)
        ]
        answers = [await post_event(client, payload, sign(payload)) for payload in burst]
        assert [r.status_code for r in answers] == [200] * 50, answers[-1].text
        assert all(r.json()["data"] == {"received": True, "applied": True} for r in answers)
        for signature in forgeries(burst[0]) * 10:
            assert_error(await post_event(client, burst[0], signature), 400, "PSI-VAL-1001")
        me = await client.get("/api/v1/users/me/subscription", headers=headers)
        assert me.json()["data"]["status"] == "active"
        # Every other anonymous route keeps the per-address limit.
        logins = [
            await client.post(
                "/api/v1/auth/login", json={"email": "x@example.com", "password": "Nope12345"}
            )
            for _ in range(ANONYMOUS_PER_MIN)
        ]
        assert_error(logins[-1], 429, "PSI-RATE-4001")


@pytest.fixture
def proxies(settings: Settings) -> Iterator[tuple[TcpProxy, TcpProxy]]:
    """TCP proxies in front of this test's Postgres and Redis, to take both away."""
    pg, redis = make_url(settings.sql_url), urlsplit(settings.redis_url or "")
    with (
        TcpProxy(pg.host or "127.0.0.1", pg.port or 5432) as pg_proxy,
        TcpProxy(redis.hostname or "127.0.0.1", redis.port or 6379) as redis_proxy,
    ):
        yield pg_proxy, redis_proxy


@pytest.mark.parametrize("profile", ["production"])  # the stores are remote
async def test_forged_events_are_refused_without_the_stores(settings, proxies):
    pg_proxy, redis_proxy = proxies
    pg = make_url(settings.sql_url).set(host=pg_proxy.host, port=pg_proxy.port)
    redis = urlsplit(settings.redis_url or "")
    proxied = with_webhooks(
        settings,
        database_url=pg.render_as_string(hide_password=False),
        redis_url=urlunsplit(redis._replace(netloc=f"{redis_proxy.host}:{redis_proxy.port}")),
        rate_limit_ip_per_min=ANONYMOUS_PER_MIN,
    )
    async with api_client(proxied) as client:
        payload = event(
            "customer.subscription.updated",
            subscription("sub_gone", "cus_gone", "active", user_id=str(uuid.uuid4())),
            int(time.time()),
        )
        pg_proxy.cut()
        redis_proxy.cut()
        try:
            for signature in forgeries(payload) * 10:
                assert_error(await post_event(client, payload, signature), 400, "PSI-VAL-1001")
            # A genuine event needs the stores: 503, and Stripe delivers it again later.
            error = assert_error(
                await post_event(client, payload, sign(payload)), 503, "PSI-SYS-5003"
            )
            assert error["details"]["retryable"] is True
        finally:
            pg_proxy.restore()
            redis_proxy.restore()
