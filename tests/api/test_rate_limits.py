"""Request rate limits through HTTP, with the production numbers."""

from __future__ import annotations

import pytest

from tests.api.test_identity import assert_error
from tests.support.app import Api, api_client, embedded_settings, production_settings


@pytest.fixture
def limited_settings(profile, tmp_path, request):
    limits = {"rate_limit_ip_per_min": 20, "rate_limit_user_per_min": 100}
    if profile == "embedded":
        return embedded_settings(tmp_path, **limits)
    return production_settings(
        tmp_path,
        request.getfixturevalue("postgres_url"),
        request.getfixturevalue("redis_url"),
        **limits,
    )


async def test_anonymous_limit_per_ip_with_headers(limited_settings):
    async with api_client(limited_settings) as client:
        statuses = []
        for _ in range(21):
            r = await client.post(
                "/api/v1/auth/login", json={"email": "x@example.com", "password": "Nope12345"}
            )
            statuses.append(r.status_code)
        assert statuses[:20] == [401] * 20 or set(statuses[:20]) <= {401, 429}
        assert_error(r, 429, "PSI-RATE-4001")
        assert int(r.headers["retry-after"]) >= 1
        assert r.headers["x-ratelimit-limit"] == "20"
        assert r.headers["x-ratelimit-remaining"] == "0"
        # Liveness and docs are never limited.
        assert (await client.get("/health")).status_code == 200


async def test_authenticated_requests_count_per_user(limited_settings):
    import msgspec

    async with api_client(
        msgspec.structs.replace(limited_settings, rate_limit_ip_per_min=100_000)
    ) as client:
        _, headers, _ = await Api(client).user()
        first = await client.get("/api/v1/users/me", headers=headers)
        assert first.headers["x-ratelimit-limit"] == "100"
        remaining = int(first.headers["x-ratelimit-remaining"])
        assert 90 <= remaining <= 99
        # Tokens trickle back (one every 0.6 s) while the loop runs, so allow for a few.
        statuses = [
            (await client.get("/api/v1/users/me", headers=headers)).status_code
            for _ in range(remaining + 40)
        ]
        assert statuses[:remaining] == [200] * remaining
        assert 429 in statuses
        r = await client.get("/api/v1/users/me", headers=headers)
        assert_error(r, 429, "PSI-RATE-4001")


async def test_forwarded_for_is_ignored_from_untrusted_peers(limited_settings):
    async with api_client(limited_settings) as client:
        for i in range(21):
            r = await client.get("/api/v1/users/me", headers={"X-Forwarded-For": f"203.0.113.{i}"})
        assert_error(r, 429, "PSI-RATE-4001")


def test_client_ip_uses_forwarded_for_only_behind_trusted_proxies():
    from entrypoints.http.admission import client_ip

    scope = {
        "client": ("10.0.0.1", 5000),
        "headers": [(b"x-forwarded-for", b"198.51.100.7, 10.0.0.2")],
    }
    assert client_ip(scope, frozenset()) == "10.0.0.1"
    assert client_ip(scope, frozenset({"10.0.0.1", "10.0.0.2"})) == "198.51.100.7"
    spoofed = {"client": ("10.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"not-an-ip")]}
    assert client_ip(spoofed, frozenset({"10.0.0.1"})) == "10.0.0.1"
