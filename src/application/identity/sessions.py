"""Use cases for sessions: log in, refresh with rotation, log out, authenticate a request."""

from __future__ import annotations

import asyncio
import hashlib
import math
import uuid
from dataclasses import dataclass, replace

from application.context import RequestContext, request_id_var
from application.identity.admission import bearer_token
from application.ports.clock import Clock
from application.ports.identity import (
    AuditLog,
    PasswordHasher,
    SessionStore,
    TokenCodec,
    UserRepository,
)
from application.ports.ratelimit import RateLimiter
from domain.audit import AuditEvent, AuditKind
from domain.errors import (
    InvalidCredentials,
    InvalidToken,
    RateLimited,
    TokenRevoked,
    ValidationFailed,
)
from domain.identity.model import PASSWORD_MAX, User, normalize_email
from domain.identity.tokens import Principal, RotationOutcome, TokenPair
from domain.ratelimit import LoginThrottlePolicy, Quota


@dataclass(slots=True)
class _Issuer:
    tokens: TokenCodec
    sessions: SessionStore

    async def open_session(self, user: User, now) -> TokenPair:
        session_id = uuid.uuid4()
        access = self.tokens.issue_access(user, session_id, now)
        refresh = self.tokens.issue_refresh(user.id, session_id, now)
        await self.sessions.start(session_id, user.id, refresh.token_id, refresh.expires_at, now)
        return TokenPair(access, refresh, self.tokens.access_ttl_s, self.tokens.refresh_ttl_s)


@dataclass(slots=True)
class Login:
    users: UserRepository
    hasher: PasswordHasher
    tokens: TokenCodec
    sessions: SessionStore
    clock: Clock
    audit: AuditLog
    limiter: RateLimiter
    throttle: LoginThrottlePolicy

    async def __call__(self, email: str, password: str, client: str = "unknown") -> TokenPair:
        try:
            email = normalize_email(email)
        except ValidationFailed:
            email = ""
        # Hashed: addresses typed at the login form are not kept in the limiter's keys.
        account = hashlib.sha256(email.encode()).hexdigest()[:24]
        pair_key, meter_key = f"login:{account}:{client}", f"login:{account}"
        # Counted before the password is checked, in one atomic step per key: concurrent
        # attempts cannot all pass a check made before any of them was counted.
        await self._spend(pair_key, self.throttle.per_account_address)
        await self._spend(f"login-ip:{client}", self.throttle.per_address)
        meter = await self.limiter.peek(meter_key, self.throttle.account_meter)
        delay = self.throttle.delay_for(self.throttle.failures(meter))
        if delay:
            await asyncio.sleep(delay)  # an account under attack slows down; never locks
        user = await self.users.get_by_email(email) if email else None
        now = self.clock.now()
        if user is None or not user.is_active or len(password) > PASSWORD_MAX:
            # Same work as a real check, so timing does not tell whether the email exists.
            self.hasher.burn(password[:PASSWORD_MAX])
            await self._failed(now, user, meter_key)
            raise InvalidCredentials()
        if user.password_hash is None or not self.hasher.verify(user.password_hash, password):
            await self._failed(now, user, meter_key)
            raise InvalidCredentials()
        await self.limiter.forget(pair_key)
        new_hash = (
            self.hasher.hash(password) if self.hasher.needs_rehash(user.password_hash) else None
        )
        user = user.logged_in(now, new_hash)
        await self.users.save(user)
        pair = await _Issuer(self.tokens, self.sessions).open_session(user, now)
        await self.audit.record(
            AuditEvent(
                AuditKind.LOGIN_SUCCEEDED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
            )
        )
        return pair

    async def _spend(self, key: str, quota: Quota) -> None:
        decision = await self.limiter.hit(key, quota)
        if not decision.allowed:
            raise RateLimited(
                max(1, math.ceil(decision.retry_after_s)), message="Too many sign-in attempts"
            )

    async def _failed(self, now, user: User | None, meter_key: str) -> None:
        await self.limiter.hit(meter_key, self.throttle.account_meter)
        await self.audit.record(
            AuditEvent(
                AuditKind.LOGIN_FAILED,
                now,
                subject_id=user.id if user else None,
                request_id=request_id_var.get(),
                details={"reason": "bad_password" if user else "unknown_account"},
            )
        )


@dataclass(slots=True)
class Refresh:
    users: UserRepository
    tokens: TokenCodec
    sessions: SessionStore
    clock: Clock
    audit: AuditLog

    async def __call__(self, refresh_token: str) -> TokenPair:
        now = self.clock.now()
        claims = self.tokens.decode_refresh(refresh_token, now)
        user = await self.users.get(claims.user_id)
        if user is None or not user.is_active:
            raise TokenRevoked()
        new_refresh = self.tokens.issue_refresh(user.id, claims.session_id, now)
        outcome = await self.sessions.rotate(
            claims.session_id, claims.token_id, new_refresh.token_id, new_refresh.expires_at, now
        )
        if outcome is RotationOutcome.REUSED:
            await self.audit.record(
                AuditEvent(
                    AuditKind.TOKEN_REUSE_DETECTED,
                    now,
                    subject_id=user.id,
                    request_id=request_id_var.get(),
                    details={"session_id": str(claims.session_id)},
                )
            )
            raise TokenRevoked("Refresh token reuse detected; session revoked")
        if outcome is RotationOutcome.UNKNOWN:
            raise TokenRevoked()
        access = self.tokens.issue_access(user, claims.session_id, now)
        return TokenPair(access, new_refresh, self.tokens.access_ttl_s, self.tokens.refresh_ttl_s)


@dataclass(slots=True)
class Logout:
    sessions: SessionStore
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal) -> None:
        now = self.clock.now()
        await self.sessions.revoke_session(caller.session_id, now)
        await self.audit.record(
            AuditEvent(
                AuditKind.LOGGED_OUT,
                now,
                actor_id=caller.user_id,
                subject_id=caller.user_id,
                request_id=request_id_var.get(),
            )
        )


@dataclass(slots=True)
class Authenticate:
    """The caller of a request: a verified, unrevoked token, with the account's tier as it
    is now (a tier changed since the token was issued applies from the next request).

    What admission found for this request (`RequestContext`: the decoded token, its
    revocation, the prefetched account) is used instead of asking again: one token
    decode and one store round trip per request where the admission store can answer
    both (Redis). Otherwise the token is decoded here and the stores are asked."""

    tokens: TokenCodec
    sessions: SessionStore
    clock: Clock
    users: UserRepository

    async def __call__(self, request: RequestContext) -> Principal:
        authorization = request.authorization
        if not authorization:
            raise InvalidToken("Missing bearer token")
        token = bearer_token(authorization)
        if token is None:
            raise InvalidToken("Malformed Authorization header")
        principal = request.principal  # verified at admission, from this same header
        if principal is None:
            principal = self.tokens.decode_access(token, self.clock.now())
        revoked = request.revoked
        if revoked is None:
            revoked = await self.sessions.is_revoked(principal)
        if revoked:
            raise TokenRevoked()
        account = await self.users.get(principal.user_id)
        if account is None or not account.is_active:
            raise TokenRevoked()
        if account.tier is not principal.tier:
            principal = replace(principal, tier=account.tier)
        return principal
