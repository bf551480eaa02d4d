"""Use cases for proving an email address: send a token there, spend it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace

from application.accounts.passwords import invalid_token, spend
from application.context import request_id_var
from application.ports.accounts import AccountTokenStore
from application.ports.clock import Clock
from application.ports.identity import AuditLog, UserRepository
from application.ports.ratelimit import RateLimiter
from domain.accounts.email import EmailKind, OutgoingEmail
from domain.accounts.tokens import TOKEN_BYTES, TOKEN_TTL, TokenPurpose, token_digest
from domain.audit import AuditEvent, AuditKind
from domain.errors import NotFound
from domain.identity.model import User
from domain.identity.tokens import Principal
from domain.ratelimit import Quota

VERIFY = TokenPurpose.EMAIL_VERIFICATION
REQUESTS = Quota(5, 3600)


@dataclass(slots=True)
class RequestEmailVerification:
    users: UserRepository
    tokens: AccountTokenStore
    limiter: RateLimiter
    clock: Clock

    async def __call__(self, caller: Principal) -> OutgoingEmail | None:
        user = await self.users.get(caller.user_id)
        if user is None or not user.is_active:
            raise NotFound()
        await spend(
            self.limiter,
            [(f"verify-email:{user.id}", REQUESTS)],
            "Too many verification emails requested",
        )
        return await self.for_user(user)

    async def for_user(self, user: User) -> OutgoingEmail | None:
        """A fresh verification mail (earlier tokens stop working); None if verified."""
        if user.email_verified:
            return None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock.now()
        await self.tokens.issue(user.id, VERIFY, token_digest(token), now, now + TOKEN_TTL[VERIFY])
        return OutgoingEmail(
            user.email, EmailKind.EMAIL_VERIFICATION, user.id, {"name": user.name, "token": token}
        )


@dataclass(slots=True)
class VerifyEmail:
    users: UserRepository
    tokens: AccountTokenStore
    clock: Clock
    audit: AuditLog

    async def __call__(self, token: str) -> User:
        now = self.clock.now()
        user_id = await self.tokens.consume(VERIFY, token_digest(token), now)
        user = await self.users.get(user_id) if user_id is not None else None
        if user is None or not user.is_active:
            raise invalid_token()
        if not user.email_verified:
            user = replace(user, email_verified=True, updated_at=now)
            await self.users.save(user)
            await self.audit.record(
                AuditEvent(
                    AuditKind.EMAIL_VERIFIED,
                    now,
                    actor_id=user.id,
                    subject_id=user.id,
                    request_id=request_id_var.get(),
                )
            )
        return user
