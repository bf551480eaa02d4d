"""A change of tier or role takes effect on the next request of every existing token
(contract, second wave; issue 19): requests use the account's tier as it is now, not the
tier the token was issued with."""

from __future__ import annotations

import pytest

from entrypoints.cli import set_tier_command
from tests.api.test_identity import assert_error
from tests.support.app import Api


async def test_a_demoted_admin_loses_admin_rights_on_the_next_request(api: Api, client):
    admin, _, _ = await api.user()
    other, _, _ = await api.user()
    await set_tier_command(client.app.state.settings, admin["email"], "admin")
    tokens = await api.login(admin["email"])  # a token that says "admin"
    admin_h = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.get("/api/v1/admin/audit-events", headers=admin_h)).status_code == 200
    assert (await client.get(f"/api/v1/users/{other['id']}", headers=admin_h)).status_code == 200

    await set_tier_command(client.app.state.settings, admin["email"], "free")

    assert_error(
        await client.get("/api/v1/admin/audit-events", headers=admin_h), 403, "PSI-AUTH-1007"
    )
    assert_error(
        await client.get(f"/api/v1/users/{other['id']}", headers=admin_h), 404, "PSI-RES-3004"
    )
    me = await client.get("/api/v1/users/me", headers=admin_h)
    assert me.json()["data"]["subscription_tier"] == "free"


async def test_a_tier_set_by_an_admin_applies_to_the_users_existing_token(api: Api, client):
    admin, _, _ = await api.user()
    user, user_h, _ = await api.user()
    await set_tier_command(client.app.state.settings, admin["email"], "admin")
    admin_h = {"Authorization": f"Bearer {(await api.login(admin['email']))['access_token']}"}
    assert_error(
        await client.get("/api/v1/admin/audit-events", headers=user_h), 403, "PSI-AUTH-1007"
    )
    r = await client.put(
        f"/api/v1/admin/users/{user['id']}/tier", headers=admin_h, json={"tier": "admin"}
    )
    assert r.status_code == 200, r.text
    # The user's token was issued as "free"; the account is now admin.
    assert (await client.get("/api/v1/admin/audit-events", headers=user_h)).status_code == 200
    r = await client.put(
        f"/api/v1/admin/users/{user['id']}/tier", headers=admin_h, json={"tier": "free"}
    )
    assert r.status_code == 200, r.text
    assert_error(
        await client.get("/api/v1/admin/audit-events", headers=user_h), 403, "PSI-AUTH-1007"
    )


@pytest.mark.parametrize("profile", ["production"])  # the embedded profile has no cache
async def test_the_cached_account_holds_no_password_hash(api: Api, client):
    _, headers, _ = await api.user()
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
    settings = client.app.state.settings
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}user:*")]
        assert keys
        for key in keys:
            raw = await redis.get(key)
            assert b"$argon2" not in raw
    finally:
        await redis.aclose()
