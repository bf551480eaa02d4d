"""Sign-in throttling (issue 19): attempts are counted before the password is checked, so
concurrency cannot buy more guesses; a spread-out attack slows the account down but never
locks its owner out."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.app import Api, api_client, embedded_settings, production_settings
from tests.support.concurrent import concurrent_client

PASSWORD = "Sup3rSecret!"


@pytest.fixture
def throttled_settings(profile, tmp_path, request):
    # The test client's peer is "testclient": trusted, so X-Forwarded-For names the address.
    extra = {"trusted_proxies": ("testclient",), "login_max_delay_s": 0.2}
    if profile == "embedded":
        return embedded_settings(tmp_path, **extra)
    return production_settings(
        tmp_path,
        request.getfixturevalue("postgres_url"),
        request.getfixturevalue("redis_url"),
        **extra,
    )


def _login(client, email: str, password: str, address: str):
    return client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
    )


async def test_concurrent_wrong_passwords_get_exactly_the_allowed_checks(throttled_settings):
    async with concurrent_client(throttled_settings) as racing:
        user = await Api(racing).register()
        answers = await asyncio.gather(
            *[_login(racing, user["email"], "Wr0ngPassword", "198.51.100.7") for _ in range(40)]
        )
        statuses = sorted(r.status_code for r in answers)
        assert statuses.count(401) == throttled_settings.login_failures_per_account_ip
        assert statuses.count(429) == 40 - throttled_settings.login_failures_per_account_ip
        refused = next(r for r in answers if r.status_code == 429)
        assert refused.json()["error"]["code"] == "PSI-RATE-4001"
        assert int(refused.headers["retry-after"]) >= 1


async def test_a_spread_out_attack_does_not_lock_the_owner_out(throttled_settings):
    async with api_client(throttled_settings) as client:
        user = await Api(client).register()
        for i in range(12):
            for _ in range(5):
                r = await _login(client, user["email"], "Wr0ngPassword", f"203.0.113.{i}")
                assert r.status_code == 401
            r = await _login(client, user["email"], "Wr0ngPassword", f"203.0.113.{i}")
            assert r.status_code == 429  # each address is done for this account
        # 60 failures on the account: it is slowed down, but its owner gets in from a
        # fresh address.
        r = await _login(client, user["email"], PASSWORD, "192.0.2.200")
        assert r.status_code == 200, r.text


async def test_one_address_trying_many_accounts_is_refused(throttled_settings):
    async with api_client(throttled_settings) as client:
        statuses = [
            (
                await _login(client, f"victim{i}@example.com", "Wr0ngPassword", "198.51.100.99")
            ).status_code
            for i in range(throttled_settings.login_attempts_per_ip + 1)
        ]
        assert statuses[:-1] == [401] * throttled_settings.login_attempts_per_ip
        assert statuses[-1] == 429


async def test_a_successful_sign_in_clears_the_address_count(throttled_settings):
    async with api_client(throttled_settings) as client:
        user = await Api(client).register()
        for _ in range(3):
            for _ in range(4):
                assert (
                    await _login(client, user["email"], "Wr0ngPassword", "192.0.2.9")
                ).status_code == 401
            assert (await _login(client, user["email"], PASSWORD, "192.0.2.9")).status_code == 200
