"""The contract's Auth and account rules, through HTTP, in both profiles."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.support.app import TEST_SECRET

pytestmark = pytest.mark.asyncio


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code, body
    assert set(body["error"]) >= {"code", "message", "user_message", "type", "details"}
    assert body["meta"]["request_id"] == r.headers["x-request-id"]
    return body["error"]


async def test_register_returns_user_and_normalises(api, client):
    r = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "  Mixed.Case@Example.COM ",
            "password": "Abcdefg1",
            "name": "<b>Ada</b> Lovelace",
        },
    )
    assert r.status_code == 201, r.text
    user = r.json()["data"]
    assert user["email"] == "mixed.case@example.com"
    assert user["name"] == "Ada Lovelace"
    assert user["subscription_tier"] == "free"
    assert user["email_verified"] is False
    assert set(user) == {
        "id",
        "email",
        "name",
        "subscription_tier",
        "email_verified",
        "created_at",
        "updated_at",
        "last_login_at",
    }
    assert user["created_at"].endswith("Z")
    assert "password" not in r.text and "argon2" not in r.text


async def test_duplicate_email_is_409(api, client):
    user = await api.register()
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": user["email"].upper(), "password": "Abcdefg1", "name": "Again"},
    )
    assert_error(r, 409, "PSI-AUTH-1005")


@pytest.mark.parametrize(
    "password", ["short1A", "alllowercase1", "ALLUPPER1", "NoDigitsHere", "A1" + "a" * 127]
)
async def test_weak_password_is_400(client, password):
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": f"{uuid.uuid4().hex}@example.com", "password": password, "name": "Weak"},
    )
    err = assert_error(r, 400, "PSI-VAL-1001")
    assert err["details"]["errors"][0]["field"] == "password"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email", "password": "Abcdefg1", "name": "X"}, "email"),
        ({"email": "a@b.co", "password": "Abcdefg1", "name": "<p></p>"}, "name"),
        ({"email": "a@b.co", "password": "Abcdefg1", "name": "x" * 256}, "name"),
        ({"email": "a@b.co", "password": "Abcdefg1"}, "name"),
        ({"email": "a@b.co", "password": "Abcdefg1", "name": "X", "tier": "admin"}, "tier"),
        ({"email": "a@b.co", "password": 12345678, "name": "X"}, "password"),
    ],
)
async def test_register_validation(client, body, field):
    r = await client.post("/api/v1/auth/register", json=body)
    err = assert_error(r, 400, "PSI-VAL-1001")
    assert field in {e["field"] for e in err["details"]["errors"]}, err


async def test_malformed_json_is_400(client):
    r = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(r, 400, "PSI-VAL-1001")


async def test_login_returns_token_pair_with_contract_claims(api, client):
    user = await api.register()
    tokens = await api.login(user["email"].upper())
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["refresh_expires_in"] > 3600
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == user["id"]
    assert claims["email"] == user["email"]
    assert claims["tier"] == "free"
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 3600
    assert {"jti", "iss", "aud"} <= set(claims)
    assert jwt.get_unverified_header(tokens["access_token"])["alg"] == "HS256"


async def test_wrong_password_and_unknown_email_answer_the_same(api, client):
    user = await api.register()
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": "Wrong1234"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "Wrong1234"}
    )
    e1 = assert_error(wrong, 401, "PSI-AUTH-1002")
    e2 = assert_error(unknown, 401, "PSI-AUTH-1002")
    assert (e1["message"], e1["user_message"]) == (e2["message"], e2["user_message"])


async def test_me_get_and_patch(api, client):
    user, headers, _ = await api.user()
    r = await client.get("/api/v1/users/me", headers=headers)
    assert r.status_code == 200
    me = r.json()["data"]
    assert me["id"] == user["id"] and me["last_login_at"] is not None
    r = await client.patch("/api/v1/users/me", headers=headers, json={"name": " New <i>Name</i> "})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "New Name"
    r = await client.get("/api/v1/users/me", headers=headers)
    assert r.json()["data"]["name"] == "New Name"


@pytest.mark.parametrize(
    "field, value", [("email", "x@example.com"), ("subscription_tier", "admin"), ("id", "abc")]
)
async def test_patch_me_rejects_read_only_fields(api, client, field, value):
    _, headers, _ = await api.user()
    r = await client.patch("/api/v1/users/me", headers=headers, json={field: value})
    assert_error(r, 400, "PSI-VAL-1001")
    me = (await client.get("/api/v1/users/me", headers=headers)).json()["data"]
    assert me["subscription_tier"] == "free"


async def test_another_users_id_is_404_and_own_is_200(api, client):
    alice, alice_h, _ = await api.user()
    bob, _, _ = await api.user()
    r = await client.get(f"/api/v1/users/{bob['id']}", headers=alice_h)
    assert_error(r, 404, "PSI-RES-3004")
    missing = await client.get(f"/api/v1/users/{uuid.uuid4()}", headers=alice_h)
    assert missing.json()["error"]["message"] == r.json()["error"]["message"]
    own = await client.get(f"/api/v1/users/{alice['id']}", headers=alice_h)
    assert own.status_code == 200 and own.json()["data"]["id"] == alice["id"]


def _forge(claims: dict, secret: str = TEST_SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=alg)


def _unsigned(claims: dict) -> str:
    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


async def test_rejected_tokens(api, client, profile):
    _, _, tokens = await api.user()
    good = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    bad_tokens = {
        "alg none": _unsigned(good),
        "HS512": _forge(good, alg="HS512"),
        "wrong audience": _forge({**good, "aud": "someone-else"}),
        "wrong issuer": _forge({**good, "iss": "evil"}),
        "refresh as access": _forge({**good, "type": "refresh"}),
        "bad signature": tokens["access_token"][:-4]
        + ("AAAA" if not tokens["access_token"].endswith("AAAA") else "BBBB"),
        "garbage": "not.a.jwt",
    }
    if profile == "production":  # the embedded secret is generated per install
        for name, token in bad_tokens.items():
            r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
            assert_error(r, 401, "PSI-AUTH-1001"), name
    else:
        for name in ("alg none", "garbage", "bad signature"):
            r = await client.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {bad_tokens[name]}"}
            )
            assert_error(r, 401, "PSI-AUTH-1001"), name
    for header in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}):
        r = await client.get("/api/v1/users/me", headers=header)
        assert_error(r, 401, "PSI-AUTH-1001")


async def test_expired_token_is_1003(api, client, clock):
    _, headers, _ = await api.user()
    clock.advance(seconds=3601)
    r = await client.get("/api/v1/users/me", headers=headers)
    assert_error(r, 401, "PSI-AUTH-1003")


async def test_refresh_rotates_and_reuse_revokes_the_family(api, client):
    _, _, tokens = await api.user()
    r1 = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r1.status_code == 200, r1.text
    pair1 = r1.json()["data"]
    assert pair1["refresh_token"] != tokens["refresh_token"]
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {pair1['access_token']}"}
    )
    assert me.status_code == 200
    # The spent token comes back: reuse. The whole family dies, including the newest pair.
    reuse = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert_error(reuse, 401, "PSI-AUTH-1004")
    newest = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": pair1["refresh_token"]}
    )
    assert_error(newest, 401, "PSI-AUTH-1004")
    me = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {pair1['access_token']}"}
    )
    assert_error(me, 401, "PSI-AUTH-1004")


async def test_other_logins_survive_a_reuse_in_one_family(api, client):
    user, _, first = await api.user()
    second = await api.login(user["email"])
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    r = await client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert r.status_code == 200


async def test_access_token_is_not_a_refresh_token(api, client):
    _, _, tokens = await api.user()
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_error(r, 401, "PSI-AUTH-1001")


async def test_logout_revokes_access_and_refresh(api, client):
    _, headers, tokens = await api.user()
    r = await client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204 and r.content == b""
    assert_error(await client.get("/api/v1/users/me", headers=headers), 401, "PSI-AUTH-1004")
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_error(r, 401, "PSI-AUTH-1004")


async def test_admin_endpoint_and_rbac(api, client, request, profile, tmp_path):
    admin_user, _, _ = await api.user()
    target, target_h, _ = await api.user()
    # A non-admin is refused.
    r = await client.put(
        f"/api/v1/admin/users/{admin_user['id']}/tier", headers=target_h, json={"tier": "admin"}
    )
    assert_error(r, 403, "PSI-AUTH-1007")
    # Promote the first user the way an operator would (CLI), then act as admin.
    from entrypoints.cli import set_tier_command

    await set_tier_command(client.app.state.settings, admin_user["email"], "admin")
    admin_tokens = await api.login(admin_user["email"])
    admin_h = {"Authorization": f"Bearer {admin_tokens['access_token']}"}
    r = await client.put(
        f"/api/v1/admin/users/{target['id']}/tier", headers=admin_h, json={"tier": "premium"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["subscription_tier"] == "premium"
    sub = await client.get("/api/v1/users/me/subscription", headers=target_h)
    assert sub.json()["data"]["tier"] == "premium"
    r = await client.get(f"/api/v1/users/{target['id']}", headers=admin_h)
    assert r.status_code == 200
    r = await client.put(
        f"/api/v1/admin/users/{target['id']}/tier", headers=admin_h, json={"tier": "emperor"}
    )
    assert_error(r, 400, "PSI-VAL-1001")
    r = await client.put(
        f"/api/v1/admin/users/{uuid.uuid4()}/tier", headers=admin_h, json={"tier": "premium"}
    )
    assert_error(r, 404, "PSI-RES-3004")


async def test_consents_default_false_and_update(api, client):
    _, headers, _ = await api.user()
    r = await client.get("/api/v1/users/me/consents", headers=headers)
    assert r.json()["data"] == {"biometrics": False, "food_photos": False, "updated_at": None}
    r = await client.put(
        "/api/v1/users/me/consents",
        headers=headers,
        json={"biometrics": True, "food_photos": False},
    )
    assert r.status_code == 200
    assert r.json()["data"]["biometrics"] is True
    r = await client.put("/api/v1/users/me/consents", headers=headers, json={"biometrics": True})
    assert_error(r, 400, "PSI-VAL-1001")


async def test_register_accepts_consents(api, client):
    _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": True})
    r = await client.get("/api/v1/users/me/consents", headers=headers)
    assert r.json()["data"]["food_photos"] is True


async def test_unknown_route_and_method_use_the_envelope(client):
    r = await client.get("/api/v1/definitely-not-here")
    assert_error(r, 404, "PSI-RES-3004")
    r = await client.delete("/api/v1/auth/login")
    assert r.status_code == 405 and r.json()["error"]["code"].startswith("PSI-")


async def test_request_id_echoed_and_security_headers(client):
    r = await client.get("/health", headers={"X-Request-ID": "mobile-abc-123"})
    assert r.headers["x-request-id"] == "mobile-abc-123"
    assert r.json()["status"] == "ok"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    generated = await client.get("/api/v1/nothing", headers={"X-Request-ID": "bad id\nx"})
    assert generated.headers["x-request-id"] != "bad id\nx"
    assert len(generated.headers["x-request-id"]) >= 16


async def test_ready_reports_each_store(client, profile):
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert checks["database"] == "ok"
    if profile == "production":
        assert checks["redis"] == "ok"


async def test_docs_render_offline(client):
    for path in ("/docs", "/redoc"):
        r = await client.get(path)
        assert r.status_code == 200
        assert "https://" not in r.text.replace("https://github.com", ""), path
        assert "'unsafe-inline'" in r.headers["content-security-policy"]
    assert (await client.get("/static/docs/swagger-ui-bundle.js")).status_code == 200
    assert (await client.get("/static/docs/redoc.standalone.js")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/auth/register" in spec["paths"]
    assert "BearerAuth" in spec["components"]["securitySchemes"]


async def test_expired_refresh_token_is_rejected(api, client, clock):
    _, _, tokens = await api.user()
    clock.advance(days=31)
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_error(r, 401, "PSI-AUTH-1003")


def test_timestamps_are_whole_seconds():
    from entrypoints.http.envelopes import iso

    assert iso(datetime(2026, 1, 1, 12, 0, 0, 999, tzinfo=UTC)).microsecond == 0
    assert iso(datetime(2026, 1, 1, 12) + timedelta(hours=1)).tzinfo is UTC
