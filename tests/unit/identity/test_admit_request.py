"""The edge's admission step makes the request's context: one decode, one admission, and
what authentication later reuses (in-memory stores, the real JWT codec)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.clock import ManualClock
from adapters.memory.identity import MemoryAuditLog, MemorySessionStore, MemoryUserRepository
from adapters.memory.ratelimit import MemoryRateLimiter
from adapters.security.jwt_tokens import JwtTokenCodec
from adapters.security.passwords import Argon2Params, Argon2PasswordHasher
from application.identity.accounts import Register
from application.identity.admission import AdmitRequest, RequestQuotas, SequentialAdmission
from application.identity.sessions import Authenticate, Login
from domain.errors import TokenRevoked
from domain.ratelimit import LoginThrottlePolicy, Quota
from tests.unit.identity.test_sessions_use_cases import SECRET, build

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def deps():
    clock = ManualClock(NOW)
    limiter = MemoryRateLimiter(lambda: clock.now().timestamp())
    sessions = MemorySessionStore()
    return {
        "users": MemoryUserRepository(),
        "sessions": sessions,
        "clock": clock,
        "tokens": JwtTokenCodec(SECRET, "psi", "psi-mobile", 3600, 86400),
        "limiter": limiter,
        "admission": SequentialAdmission(limiter, sessions),
        "quotas": RequestQuotas(per_user=Quota(3, 60), per_address=Quota(1, 60)),
    }


async def _signed_in(deps) -> str:
    deps["audit"] = MemoryAuditLog()
    deps["hasher"] = Argon2PasswordHasher(Argon2Params(memory_kib=1024, time_cost=1))
    deps["throttle"] = LoginThrottlePolicy(Quota(5, 900), Quota(30, 900), 10, 900, 0.05)
    await build(Register, deps)("a@example.com", "Passw0rdX", "Ann")
    return (await build(Login, deps)("a@example.com", "Passw0rdX")).access.token


async def test_a_valid_token_is_limited_per_user_and_its_answers_kept(deps):
    token = await _signed_in(deps)
    admit = build(AdmitRequest, deps)
    context = await admit("req-1", "192.0.2.1", f"Bearer {token}")
    assert context.request_id == "req-1" and context.client == "192.0.2.1"
    assert context.principal is not None and context.revoked is False
    assert context.decision is not None and context.decision.limit == 3  # the per-user quota
    # Authentication takes the caller from it without asking the session store again.
    deps["sessions"].is_revoked = None  # any call would now fail
    principal = await build(Authenticate, deps)(context)
    assert principal.user_id == context.principal.user_id


async def test_a_bad_token_is_limited_as_the_address_and_refused_later(deps):
    admit = build(AdmitRequest, deps)
    context = await admit("req-1", "192.0.2.1", "Bearer not-a-token")
    assert context.principal is None and context.revoked is None
    assert context.decision is not None and context.decision.limit == 1  # per address
    refused = await admit("req-2", "192.0.2.1", None)
    assert refused.decision is not None and not refused.decision.allowed


async def test_a_revoked_session_is_known_at_admission(deps):
    token = await _signed_in(deps)
    admit = build(AdmitRequest, deps)
    principal = (await admit("req-1", "192.0.2.1", f"Bearer {token}")).principal
    assert principal is not None
    await deps["sessions"].revoke_session(principal.session_id, NOW)
    context = await admit("req-2", "192.0.2.1", f"Bearer {token}")
    assert context.revoked is True
    with pytest.raises(TokenRevoked):
        await build(Authenticate, deps)(context)
