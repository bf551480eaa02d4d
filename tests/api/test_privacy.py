"""Account deletion, data export, purge and the audit log, through HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text

from adapters.sql.database import Database
from entrypoints.cli import set_tier_command
from entrypoints.jobs.privacy import run_purge
from tests.api.test_identity import assert_error


async def test_delete_requires_the_password(api, client):
    _, headers, _ = await api.user()
    r = await client.request(
        "DELETE", "/api/v1/users/me", headers=headers, json={"password": "NotMine123"}
    )
    assert_error(r, 401, "PSI-AUTH-1002")
    r = await client.request("DELETE", "/api/v1/users/me", headers=headers, json={})
    assert_error(r, 400, "PSI-VAL-1001")
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200


async def test_delete_takes_effect_at_once(api, client):
    user, headers, tokens = await api.user()
    other_login = await api.login(user["email"])
    r = await client.request(
        "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
    )
    assert r.status_code == 202, r.text
    body = r.json()["data"]
    assert body["status"] == "deletion_scheduled" and body["purge_after"].endswith("Z")
    for token in (tokens["access_token"], other_login["access_token"]):
        r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert_error(r, 401, "PSI-AUTH-1004")
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}
    )
    assert_error(r, 401, "PSI-AUTH-1002")
    # The address is free again: the old account keeps nothing that identifies the person.
    await api.register(email=user["email"])


@asynccontextmanager
async def statement_cancelled_on_deletion(sql_url: str, user_id: str) -> AsyncIterator[None]:
    """Postgres cancels the statement that marks this account deleted (as a statement
    timeout would), so a deletion stops after revoking the tokens, before anonymising."""
    name = f"psi_test_refuse_{uuid.UUID(user_id).hex}"
    db = Database(sql_url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'canceling statement' USING ERRCODE = 'query_canceled'; "
                    "END $$"
                )
            )
            await conn.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE UPDATE ON users FOR EACH ROW "
                    f"WHEN (NEW.id = '{user_id}'::uuid AND NEW.deleted_at IS NOT NULL) "
                    f"EXECUTE FUNCTION {name}()"
                )
            )
        yield
    finally:
        async with db.engine.begin() as conn:
            await conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON users"))
            await conn.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
        await db.dispose()


@pytest.mark.parametrize("profile", ["production"])  # Postgres, and sessions on Redis
async def test_a_deletion_cut_short_leaves_no_refresh_token_usable(api, client, settings, clock):
    """Deletion revokes every token first. When the next step fails the account is still
    active, so only the session store stands between an old refresh token and a fresh
    access token."""
    user, headers, tokens = await api.user()
    other_login = await api.login(user["email"])
    async with statement_cancelled_on_deletion(settings.sql_url, user["id"]):
        r = await client.request(
            "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
        )
    assert_error(r, 503, "PSI-SYS-5003")
    clock.advance(seconds=5)
    for pair in (tokens, other_login):
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert_error(r, 401, "PSI-AUTH-1004")
        r = await client.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
        )
        assert_error(r, 401, "PSI-AUTH-1004")
    # Nothing else was lost: the owner signs in again and deletes the account.
    fresh = await api.login(user["email"])
    r = await client.request(
        "DELETE",
        "/api/v1/users/me",
        headers={"Authorization": f"Bearer {fresh['access_token']}"},
        json={"password": user["password"]},
    )
    assert r.status_code == 202, r.text


async def test_export_is_a_complete_attachment(api, client):
    user, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
    r = await client.get("/api/v1/users/me/data-export", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == f'attachment; filename="psi_data_{user["id"]}.json"'
    doc = json.loads(r.content)
    for key in (
        "user",
        "subscriptions",
        "food_history",
        "wellness_scores",
        "emotion_samples",
        "mood_check_ins",
        "preferences",
        "recipe_ratings",
        "consents",
        "exported_at",
    ):
        assert key in doc, key
    assert doc["user"]["email"] == user["email"]
    assert "password_hash" not in doc["user"] and "argon2" not in r.text
    assert doc["consents"]["biometrics"] is True
    assert doc["subscriptions"][0]["tier"] == "free"


async def test_export_holds_history_entries_not_their_rendered_answers(api, client, usda_catalogue):
    _, headers, _ = await api.user()
    r = await client.post(
        "/api/v1/food/entries", headers=headers, json={"food": "banana", "grams": 120}
    )
    assert r.status_code == 201, r.text
    doc = json.loads((await client.get("/api/v1/users/me/data-export", headers=headers)).content)
    [entry] = doc["food_history"]
    assert entry["id"] == r.json()["data"]["id"] and entry["detected_foods"]
    assert "card" not in entry and "card_version" not in entry  # derived, not personal data


async def test_export_is_rate_limited(api, client):
    _, headers, _ = await api.user()
    for _ in range(3):
        assert (
            await client.get("/api/v1/users/me/data-export", headers=headers)
        ).status_code == 200
    r = await client.get("/api/v1/users/me/data-export", headers=headers)
    assert_error(r, 429, "PSI-RATE-4001")
    assert int(r.headers["retry-after"]) > 0


async def test_export_never_contains_another_user(api, client):
    _, alice_h, _ = await api.user()
    bob, _, _ = await api.user()
    r = await client.get("/api/v1/users/me/data-export", headers=alice_h)
    assert bob["id"] not in r.text and bob["email"] not in r.text


async def test_audit_log_is_admin_only_and_read_only(api, client, settings):
    admin, _, _ = await api.user()
    await set_tier_command(settings, admin["email"], "admin")
    admin_h = {"Authorization": f"Bearer {(await api.login(admin['email']))['access_token']}"}
    _, user_h, _ = await api.user()
    assert_error(
        await client.get("/api/v1/admin/audit-events", headers=user_h), 403, "PSI-AUTH-1007"
    )
    r = await client.get(
        "/api/v1/admin/audit-events?per_page=5&kind=auth.login_succeeded", headers=admin_h
    )
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["meta"]["per_page"] == 5 and page["meta"]["total"] >= 2
    assert all(e["kind"] == "auth.login_succeeded" for e in page["data"])
    assert "kind=auth.login_succeeded" in page["links"]["first"]
    assert "password" not in r.text.lower()
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = await client.request(method, "/api/v1/admin/audit-events", headers=admin_h)
        assert r.status_code == 405
    r = await client.get("/api/v1/admin/audit-events?kind=nope", headers=admin_h)
    assert_error(r, 400, "PSI-VAL-1001")


async def test_purge_after_grace_period_leaves_nothing(api, client, settings, clock):
    user, headers, _ = await api.user(consents={"biometrics": True, "food_photos": True})
    keep, _, _ = await api.user()
    r = await client.request(
        "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
    )
    assert r.status_code == 202
    await run_purge(settings, clock=clock)
    from tests.support.scan import scan_for_user

    assert "users.id" in await scan_for_user(settings, user["id"])  # still in its grace period
    clock.advance(days=31)
    report = await run_purge(settings, clock=clock)
    assert report.accounts >= 1 and report.complete
    assert user["id"] not in str(report)  # reports carry counts only
    assert (await run_purge(settings, clock=clock)).accounts == 0  # idempotent

    assert await scan_for_user(settings, user["id"]) == []
    assert await scan_for_user(settings, keep["id"]) != []
    fresh = await api.login(keep["email"])
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {fresh['access_token']}"}
    )
    assert me.status_code == 200


async def test_audit_events_expire_after_the_retention_period(api, settings, clock):
    from entrypoints.jobs.privacy import run_audit_retention

    await api.user()
    assert await run_audit_retention(settings, clock=clock) == 0
    clock.advance(days=settings.audit_retention_days + 1)
    assert await run_audit_retention(settings, clock=clock) >= 2  # registered + logged in
