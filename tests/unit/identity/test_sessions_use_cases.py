"""Use cases with in-memory adapters and the real argon2/JWT adapters (cheap parameters)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.clock import ManualClock
from adapters.memory.identity import MemoryAuditLog, MemorySessionStore, MemoryUserRepository
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.security.jwt_tokens import JwtTokenCodec
from adapters.security.passwords import Argon2Params, Argon2PasswordHasher
from application.context import RequestContext
from application.identity.accounts import Register
from application.identity.sessions import Authenticate, Login, Logout, Refresh
from domain.audit import AuditKind
from domain.errors import InvalidCredentials, RateLimited, TokenExpired, TokenRevoked
from domain.ratelimit import LoginThrottlePolicy, Quota

SECRET = "s" * 48


@pytest.fixture
def deps():
    clock = ManualClock(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    return {
        "users": MemoryUserRepository(),
        "sessions": MemorySessionStore(),
        "audit": MemoryAuditLog(),
        "clock": clock,
        "hasher": Argon2PasswordHasher(Argon2Params(memory_kib=1024, time_cost=1)),
        "tokens": JwtTokenCodec(SECRET, "psi", "psi-mobile", 3600, 86400),
        "limiter": MemoryRateLimiter(lambda: clock.now().timestamp()),
        "throttle": LoginThrottlePolicy(Quota(5, 900), Quota(30, 900), 10, 900, 0.05),
    }


def bearer(token: str, **admitted) -> RequestContext:
    """A request presenting `token`, with what its admission found (if anything)."""
    return RequestContext("req-1", "192.0.2.1", f"Bearer {token}", **admitted)


def build(cls, deps):
    import dataclasses

    return cls(**{f.name: deps[f.name] for f in dataclasses.fields(cls)})


async def test_full_session_lifecycle(deps):
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    pair = await build(Login, deps)("A@Example.com", "Passw0rdX")
    auth = build(Authenticate, deps)
    principal = await auth(bearer(pair.access.token))
    assert principal.email == "a@example.com"
    new_pair = await build(Refresh, deps)(pair.refresh.token)
    await build(Logout, deps)(await auth(bearer(new_pair.access.token)))
    with pytest.raises(TokenRevoked):
        await auth(bearer(new_pair.access.token))
    kinds = [e.kind for e in deps["audit"].events]
    assert kinds == [AuditKind.REGISTERED, AuditKind.LOGIN_SUCCEEDED, AuditKind.LOGGED_OUT]


async def test_failed_logins_are_audited_without_secrets(deps):
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    for email in ("a@example.com", "ghost@example.com"):
        with pytest.raises(InvalidCredentials):
            await build(Login, deps)(email, "WrongPass1")
    failed = [e for e in deps["audit"].events if e.kind is AuditKind.LOGIN_FAILED]
    assert [e.details["reason"] for e in failed] == ["bad_password", "unknown_account"]
    assert all("WrongPass1" not in str(e) for e in failed)


async def test_rehash_on_login_when_parameters_change(deps):
    user = await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    old_hash = user.password_hash
    deps["hasher"] = Argon2PasswordHasher(Argon2Params(memory_kib=2048, time_cost=2))
    await build(Login, deps)("a@example.com", "Passw0rdX")
    new_hash = (await deps["users"].get(user.id)).password_hash
    assert new_hash != old_hash and "m=2048,t=2" in new_hash
    await build(Login, deps)("a@example.com", "Passw0rdX")


async def test_access_token_expires_with_the_clock(deps):
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    pair = await build(Login, deps)("a@example.com", "Passw0rdX")
    deps["clock"].advance(seconds=3600)
    with pytest.raises(TokenExpired):
        await build(Authenticate, deps)(bearer(pair.access.token))


def test_default_argon2_parameters_follow_owasp():
    hasher = Argon2PasswordHasher()
    digest = hasher.hash("Passw0rdX")
    assert digest.startswith("$argon2id$") and "m=19456,t=2,p=1" in digest
    assert hasher.verify(digest, "Passw0rdX") and not hasher.verify(digest, "passw0rdX")


async def test_failed_logins_are_slowed_per_account_and_address(deps):
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    login = build(Login, deps)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await login("a@example.com", "WrongPass1", "10.0.0.9")
    with pytest.raises(RateLimited) as refused:
        await login("a@example.com", "Passw0rdX", "10.0.0.9")
    assert 0 < refused.value.retry_after_s <= 900
    # The owner, from another address, is not locked out by the attacker's failures.
    await login("a@example.com", "Passw0rdX", "192.0.2.1")
    # And the attacker's address recovers with time.
    deps["clock"].advance(seconds=180)
    await login("a@example.com", "Passw0rdX", "10.0.0.9")


async def test_what_admission_found_for_this_token_is_used_once_more(deps):
    """Admission decoded the token and asked for its revocation a moment ago, in the same
    request: that answer is used; a request admission found nothing for asks the stores."""
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    pair = await build(Login, deps)("a@example.com", "Passw0rdX")
    token = pair.access.token
    auth = build(Authenticate, deps)
    principal = await auth(bearer(token))
    assert await auth(bearer(token, principal=principal, revoked=False)) is principal
    with pytest.raises(TokenRevoked):
        await auth(bearer(token, principal=principal, revoked=True))
    await build(Logout, deps)(principal)  # revoked in the store ...
    fresh = await auth(bearer(token, revoked=False))  # ... not yet then
    assert fresh == principal and fresh is not principal  # decoded again, not kept
    with pytest.raises(TokenRevoked):  # nothing found at admission: the store is asked
        await auth(bearer(token))
