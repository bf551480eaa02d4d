"""OWASP API Security Top 10 (2023), one section per item that applies to Psi.

Each test asserts the contract's answer. Items covered in depth elsewhere point there.
"""

from __future__ import annotations

import uuid

import pytest

from tests.api.test_identity import assert_error


async def _entry(client, headers) -> str:
    r = await client.post(
        "/api/v1/food/entries", headers=headers, json={"food": "apple", "grams": 150}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


# API1: Broken object-level authorisation -------------------------------------------
async def test_api1_every_id_route_hides_other_users_objects(api, client, usda_catalogue):
    alice, alice_h, _ = await api.user()
    _, bob_h, _ = await api.user()
    entry = await _entry(client, alice_h)
    for method, path, body in [
        ("GET", f"/api/v1/users/{alice['id']}", None),
        ("GET", f"/api/v1/food/history/{entry}", None),
        ("GET", f"/api/v1/food/analysis/{entry}", None),
        ("GET", f"/api/v1/food/analysis/{entry}/image", None),
        ("GET", f"/api/v1/food/history/{entry}/image?size=thumb", None),
        (
            "PATCH",
            f"/api/v1/food/history/{entry}",
            {"detected_foods": [{"food": "banana", "portion_grams": 10}]},
        ),
        ("DELETE", f"/api/v1/food/history/{entry}", None),
    ]:
        r = await client.request(method, path, headers=bob_h, json=body)
        assert_error(r, 404, "PSI-RES-3004")
        missing = await client.request(
            method,
            path.replace(entry, str(uuid.uuid4())).replace(alice["id"], str(uuid.uuid4())),
            headers=bob_h,
            json=body,
        )
        assert missing.json()["error"]["message"] == r.json()["error"]["message"]
    # Alice's entry survived Bob's attempts.
    assert (await client.get(f"/api/v1/food/history/{entry}", headers=alice_h)).status_code == 200


# API2: Broken authentication (token forgery in depth: test_identity.test_rejected_tokens)
async def test_api2_protected_routes_require_a_valid_token(client):
    for path in (
        "/api/v1/users/me",
        "/api/v1/food/history",
        "/api/v1/emotions/current",
        "/api/v1/users/me/preferences",
        "/api/v1/recommendations",
        "/api/v1/users/me/data-export",
    ):
        assert_error(await client.get(path), 401, "PSI-AUTH-1001")
        r = await client.get(path, headers={"Authorization": "Bearer x.y.z"})
        assert_error(r, 401, "PSI-AUTH-1001")


# API3: Broken object-property-level authorisation (mass assignment) --------------------
@pytest.mark.parametrize(
    "path, method, body",
    [
        ("/api/v1/users/me", "PATCH", {"subscription_tier": "admin"}),
        ("/api/v1/users/me", "PATCH", {"email_verified": True}),
        (
            "/api/v1/users/me/consents",
            "PUT",
            {"biometrics": True, "food_photos": True, "user_id": str(uuid.uuid4())},
        ),
        ("/api/v1/food/entries", "POST", {"food": "apple", "grams": 100, "user_id": "x"}),
    ],
)
async def test_api3_unknown_or_read_only_properties_are_refused(api, client, path, method, body):
    _, headers, _ = await api.user()
    r = await client.request(method, path, headers=headers, json=body)
    assert_error(r, 400, "PSI-VAL-1001")
    me = (await client.get("/api/v1/users/me", headers=headers)).json()["data"]
    assert me["subscription_tier"] == "free" and me["email_verified"] is False


async def test_api3_register_cannot_choose_a_tier(client):
    r = await client.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex}@example.com",
            "password": "Abcdefg1",
            "name": "X",
            "subscription_tier": "admin",
        },
    )
    assert_error(r, 400, "PSI-VAL-1001")


# API4: Unrestricted resource consumption --------------------------------------------
# (nesting depth, list and string lengths, per-route body sizes and statement timeouts in
# depth: tests/api/test_request_limits.py)
async def test_api4_bodies_pages_and_batches_are_bounded(api, client):
    _, headers, _ = await api.user()
    r = await client.patch(
        "/api/v1/users/me",
        headers={**headers, "content-type": "application/json"},
        content=b'{"name": "' + b"x" * 2_000_000 + b'"}',
    )
    assert r.status_code == 413 and r.json()["error"]["code"].startswith("PSI-")
    r = await client.get("/api/v1/food/history?per_page=101", headers=headers)
    assert_error(r, 400, "PSI-VAL-1001")
    r = await client.get("/api/v1/food/history?page=0", headers=headers)
    assert_error(r, 400, "PSI-VAL-1001")


# API5: Broken function-level authorisation -----------------------------------------
async def test_api5_admin_functions_need_the_admin_tier(api, client):
    _, headers, _ = await api.user()
    target = str(uuid.uuid4())
    for method, path, body in [
        ("PUT", f"/api/v1/admin/users/{target}/tier", {"tier": "admin"}),
        ("GET", "/api/v1/admin/audit-events", None),
    ]:
        assert_error(
            await client.request(method, path, headers=headers, json=body), 403, "PSI-AUTH-1007"
        )
        assert_error(await client.request(method, path, json=body), 401, "PSI-AUTH-1001")


# API8: Security misconfiguration --------------------------------------------------
async def test_api8_headers_and_no_cors_for_unknown_origins(client):
    r = await client.get("/api/v1/users/me", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    for h, v in (
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ):
        assert r.headers[h] == v
    assert "server" not in r.headers or "uvicorn" not in r.headers["server"].lower()
    r = await client.options(
        "/api/v1/users/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert r.headers.get("access-control-allow-origin") != "*"


async def test_api8_errors_never_leak_internals(client):
    r = await client.post(
        "/api/v1/auth/login", content=b"\x00\xff" * 10, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    for leak in ("Traceback", 'File "', "sqlalchemy", "/work/", "SELECT "):
        assert leak not in r.text


# API10: Unsafe consumption of APIs: Claude's output is validated like user input
# (tests/adapters/vision/test_vision_describer*.py) and USDA/FDC responses likewise
# (tests/unit/nutrition/test_fdc_api.py).
