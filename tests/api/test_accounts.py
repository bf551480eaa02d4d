"""Password change and reset, email verification (contract, second wave), both profiles.

Mail is read from the embedded sender's outbox (var/outbox/*.eml), which both test
profiles use (no PSI_SMTP_URL)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from adapters.sql.database import Database
from tests.api.test_identity import assert_error
from tests.support.app import Api, api_client, embedded_settings
from tests.support.mail import last_token, outbox

NEW = "N3wPassword!"


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_registration_sends_a_verification_mail_and_the_token_verifies(api, client, settings):
    user, headers, _ = await api.user()
    assert user["email_verified"] is False
    [mail] = outbox(settings, user["email"], "email_verification")
    assert mail["Subject"] and mail.get_body(("html",)) is not None
    token = last_token(settings, user["email"], "email_verification")
    r = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["email_verified"] is True and r.json()["data"]["id"] == user["id"]
    me = (await client.get("/api/v1/users/me", headers=headers)).json()["data"]
    assert me["email_verified"] is True
    # Single use.
    r = await client.post("/api/v1/auth/verify-email", json={"token": token})
    assert assert_error(r, 400, "PSI-VAL-1001")["details"]["errors"][0]["field"] == "token"
    # Already verified: accepted, nothing more sent.
    r = await client.post("/api/v1/auth/verify-email/request", headers=headers)
    assert r.status_code == 202
    assert len(outbox(settings, user["email"], "email_verification")) == 1


async def test_a_new_verification_request_replaces_the_earlier_token(api, client, settings):
    user, headers, _ = await api.user()
    first = last_token(settings, user["email"], "email_verification")
    r = await client.post("/api/v1/auth/verify-email/request", headers=headers)
    assert r.status_code == 202 and r.json()["data"] == {"status": "accepted"}
    second = last_token(settings, user["email"], "email_verification")
    assert second != first
    assert_error(
        await client.post("/api/v1/auth/verify-email", json={"token": first}), 400, "PSI-VAL-1001"
    )
    r = await client.post("/api/v1/auth/verify-email", json={"token": second})
    assert r.status_code == 200 and r.json()["data"]["email_verified"] is True
    assert_error(await client.post("/api/v1/auth/verify-email/request"), 401, "PSI-AUTH-1001")


async def test_password_reset_revokes_every_session(api, client, settings):
    user, _, tokens = await api.user()
    second = await api.login(user["email"])
    r = await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
    assert r.status_code == 202, r.text
    token = last_token(settings, user["email"], "password_reset")
    r = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW}
    )
    assert r.status_code == 204, r.text
    for t in (tokens, second):
        assert_error(await client.get("/api/v1/users/me", headers=bearer(t)), 401, "PSI-AUTH-1004")
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": t["refresh_token"]})
        assert_error(r, 401, "PSI-AUTH-1004")
    assert_error(
        await client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}
        ),
        401,
        "PSI-AUTH-1002",
    )
    fresh = await api.login(user["email"], NEW)
    me = (await client.get("/api/v1/users/me", headers=bearer(fresh))).json()["data"]
    assert me["email_verified"] is True  # the reset mail reached its owner
    # Single use.
    r = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": "Another1Pass"}
    )
    assert assert_error(r, 400, "PSI-VAL-1001")["details"]["errors"][0]["field"] == "token"


async def test_reset_answers_the_same_for_unknown_addresses(api, client, settings):
    user = await api.register()
    known = await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
    unknown = await client.post(
        "/api/v1/auth/password-reset", json={"email": "nobody-here@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json()["data"] == unknown.json()["data"]
    assert set(known.headers) == set(unknown.headers)
    assert outbox(settings, "nobody-here@example.com") == []
    assert len(outbox(settings, user["email"], "password_reset")) == 1


async def test_reset_token_rules(api, client, settings, clock):
    user = await api.register()

    async def request_token() -> str:
        r = await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
        assert r.status_code == 202
        return last_token(settings, user["email"], "password_reset")

    async def confirm(token: str, password: str = NEW):
        return await client.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": password}
        )

    older = await request_token()
    newer = await request_token()
    assert_error(await confirm(older), 400, "PSI-VAL-1001")  # replaced by the newer one
    # A weak password is refused without spending the token.
    error = assert_error(await confirm(newer, "short"), 400, "PSI-VAL-1001")
    assert error["details"]["errors"][0]["field"] == "new_password"
    clock.advance(minutes=61)
    assert_error(await confirm(newer), 400, "PSI-VAL-1001")  # an hour has passed
    fresh = await request_token()
    assert_error(await confirm("x" * 43), 400, "PSI-VAL-1001")
    assert_error(await confirm("x" * 129), 400, "PSI-VAL-1001")  # over the length bound
    assert (await confirm(fresh)).status_code == 204


async def test_reset_tokens_are_stored_hashed(api, client, settings):
    user = await api.register()
    await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
    token = last_token(settings, user["email"], "password_reset")
    db = Database(settings.sql_url)
    try:
        async with db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT token_hash FROM account_tokens WHERE purpose = 'password_reset'")
                )
            ).all()
    finally:
        await db.dispose()
    stored = {r[0] for r in rows}
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored and len(token) >= 22  # >= 128 bits in URL-safe base64


async def test_reset_requests_are_limited_per_address_for_every_address(api, client):
    user = await api.register()
    for email in (user["email"], "nobody-at-all@example.com"):
        codes = [
            (await client.post("/api/v1/auth/password-reset", json={"email": email})).status_code
            for _ in range(6)
        ]
        # The same for an address with and without an account: no enumeration.
        assert codes == [202] * 5 + [429], (email, codes)


async def test_password_change_keeps_this_session_and_ends_the_others(api, client, settings):
    user, headers, tokens = await api.user()
    other = await api.login(user["email"])
    await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
    reset_token = last_token(settings, user["email"], "password_reset")

    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": "Wrong1Password", "new_password": NEW},
    )
    assert_error(r, 401, "PSI-AUTH-1002")
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": user["password"], "new_password": "weak"},
    )
    assert assert_error(r, 400, "PSI-VAL-1001")["details"]["errors"][0]["field"] == "new_password"
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": user["password"], "new_password": NEW},
    )
    assert r.status_code == 204 and r.content == b""
    # This session goes on (access and refresh); the other one is revoked.
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 200
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    assert_error(await client.get("/api/v1/users/me", headers=bearer(other)), 401, "PSI-AUTH-1004")
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert_error(r, 401, "PSI-AUTH-1004")
    # The old password is gone, the new one works, a reset link sent earlier is dead.
    assert_error(
        await client.post(
            "/api/v1/auth/login", json={"email": user["email"], "password": user["password"]}
        ),
        401,
        "PSI-AUTH-1002",
    )
    await api.login(user["email"], NEW)
    r = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": reset_token, "new_password": "Another1Pass"},
    )
    assert_error(r, 400, "PSI-VAL-1001")
    assert len(outbox(settings, user["email"], "password_changed")) == 1


async def test_wrong_current_passwords_are_throttled(api, client):
    user, headers, _ = await api.user()
    body = {"current_password": "Wrong1Password", "new_password": NEW}
    codes = [
        (await client.post("/api/v1/auth/password", headers=headers, json=body)).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": user["password"], "new_password": NEW},
    )
    assert_error(r, 429, "PSI-RATE-4001")


@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/v1/auth/password-reset", {"email": "a@example.com", "extra": 1}),
        ("/api/v1/auth/password-reset/confirm", {"token": "t", "new_password": NEW, "x": 1}),
        ("/api/v1/auth/verify-email", {"token": "t", "email": "a@example.com"}),
        ("/api/v1/auth/password-reset", {}),
    ],
)
async def test_unknown_or_missing_fields_are_400(client, path, body):
    assert_error(await client.post(path, json=body), 400, "PSI-VAL-1001")


@pytest.mark.parametrize("profile", ["embedded"])
async def test_a_mail_server_that_is_down_changes_nothing_in_the_answer(tmp_path, clock, profile):
    from tests.support.smtp_server import free_port

    settings = embedded_settings(
        tmp_path, smtp_url=f"smtp://127.0.0.1:{free_port()}", email_timeout_s=1
    )
    async with api_client(settings, clock) as client:
        user = await Api(client).register()
        known = await client.post("/api/v1/auth/password-reset", json={"email": user["email"]})
        unknown = await client.post(
            "/api/v1/auth/password-reset", json={"email": "nobody@example.com"}
        )
        assert known.status_code == unknown.status_code == 202
        assert known.json()["data"] == unknown.json()["data"]
