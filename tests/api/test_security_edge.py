"""The edge of the app (issue 19): every spelling of a path that routes is treated as the
canonical one; unknown paths, control characters and unread bodies answer the envelope."""

from __future__ import annotations

import msgspec
import pytest

from tests.api.test_identity import assert_error
from tests.support.app import Api, api_client, embedded_settings, production_settings

BASE = "http://testserver.local"
# Spellings Litestar routes to /api/v1/users/me (it merges slashes, drops a trailing one).
SPELLINGS = [
    "//api/v1/users/me",
    "/api/v1//users/me",
    "/api//v1/users/me",
    "/api/v1/users/me/",
    "///api/v1/users//me//",
]


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


async def test_every_spelling_of_a_path_is_limited_per_ip(limited_settings):
    async with api_client(limited_settings) as client:
        statuses = []
        for i in range(21):
            r = await client.get(BASE + SPELLINGS[i % len(SPELLINGS)])
            statuses.append(r.status_code)
            assert r.headers["cache-control"] == "no-store"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "x-ratelimit-limit" in r.headers
        assert statuses[:20] == [401] * 20
        assert_error(r, 429, "PSI-RATE-4001")
        # Registration from one address, spelled oddly, shares the same budget.
        r = await client.post(
            BASE + "//api/v1/auth/register",
            json={"email": "a@example.com", "password": "Sup3rSecret!", "name": "A"},
        )
        assert_error(r, 429, "PSI-RATE-4001")


async def test_every_spelling_is_authenticated_and_limited_per_user(limited_settings):
    settings = msgspec.structs.replace(limited_settings, rate_limit_ip_per_min=100_000)
    async with api_client(settings) as client:
        user, headers, _ = await Api(client).user()
        seen = set()
        for spelling in SPELLINGS:
            r = await client.get(BASE + spelling, headers=headers)
            assert r.status_code == 200, (spelling, r.text)
            assert r.json()["data"]["id"] == user["id"]
            assert r.headers["x-ratelimit-limit"] == "100"
            assert r.headers["cache-control"] == "no-store"
            seen.add(int(r.headers["x-ratelimit-remaining"]))
            assert_error(await client.get(BASE + spelling), 401, "PSI-AUTH-1001")
        assert len(seen) == len(SPELLINGS)  # each spent one unit of the same budget


@pytest.mark.parametrize(
    "path", ["/nope", "/favicon.ico", "/static/docs/nope", "/docs/x", "/api/v1/nope", "//nope//"]
)
async def test_unknown_paths_answer_the_envelope(client, path):
    r = await client.get(BASE + path)
    assert_error(r, 404, "PSI-RES-3004")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/recipes?q=a%00b",
        "/api/v1/recipes?q=%1b%5b31m",
        "/api/v1/food/history?food=apple%00",
        "/api/v1/nutrition/foods?q=%C2%85rice",
        "/api/v1/admin/audit-events?kind=%00",
    ],
)
async def test_control_characters_in_path_or_query_are_400(client, url):
    api = Api(client)
    _, headers, _ = await api.user()
    r = await client.get(BASE + url, headers=headers)
    assert_error(r, 400, "PSI-VAL-1001")
