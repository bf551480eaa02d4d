"""Use cases for passwords: change one you know, reset one you forgot."""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass, replace

from application.context import request_id_var
from application.ports.accounts import AccountTokenStore
from application.ports.clock import Clock
from application.ports.identity import AuditLog, PasswordHasher, SessionStore, UserRepository
from application.ports.ratelimit import RateLimiter
from domain.accounts.email import EmailKind, OutgoingEmail
from domain.accounts.tokens import TOKEN_BYTES, TOKEN_TTL, TokenPurpose, token_digest
from domain.audit import AuditEvent, AuditKind
from domain.errors import FieldError, InvalidCredentials, NotFound, RateLimited, ValidationFailed
from domain.identity.model import PASSWORD_MAX, normalize_email, password_problems
from domain.identity.tokens import Principal
from domain.ratelimit import Quota

RESET = TokenPurpose.PASSWORD_RESET
# Wrong current passwords per account: a stolen access token alone cannot brute-force it.
CHANGE_FAILURES = Quota(5, 900)


def check_new_password(password: str, field: str = "new_password") -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationFailed(
            [FieldError(field, "; ".join(problems))], message="password does not meet the policy"
        )


def invalid_token() -> ValidationFailed:
    # One answer for unknown, spent, superseded and expired tokens.
    return ValidationFailed.single("token", "is invalid, already used or expired")


async def spend(limiter: RateLimiter, keys: list[tuple[str, Quota]], message: str) -> None:
    for key, quota in keys:
        decision = await limiter.hit(key, quota)
        if not decision.allowed:
            raise RateLimited(math.ceil(decision.retry_after_s), message=message)


@dataclass(frozen=True, slots=True)
class ResetLimits:
    per_client: Quota
    per_account: Quota


@dataclass(slots=True)
class ChangePassword:
    users: UserRepository
    hasher: PasswordHasher
    sessions: SessionStore
    tokens: AccountTokenStore
    limiter: RateLimiter
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal, current: str, new: str) -> OutgoingEmail:
        """Sets the new password and revokes every other session of the account; the
        caller's own session (this access token and its refresh family) goes on."""
        user = await self.users.get(caller.user_id, with_secret=True)
        if user is None or not user.is_active:
            raise NotFound()
        key = f"password-change:{user.id}"
        decision = await self.limiter.peek(key, CHANGE_FAILURES)
        if not decision.allowed:
            raise RateLimited(
                math.ceil(decision.retry_after_s), message="Too many wrong current passwords"
            )
        if (
            len(current) > PASSWORD_MAX
            or user.password_hash is None
            or not self.hasher.verify(user.password_hash, current)
        ):
            await self.limiter.hit(key, CHANGE_FAILURES)
            raise InvalidCredentials("Current password is incorrect")
        check_new_password(new)
        now = self.clock.now()
        await self.users.save(replace(user, password_hash=self.hasher.hash(new), updated_at=now))
        await self.sessions.revoke_sessions(user.id, now, keep=caller.session_id)
        await self.tokens.invalidate(user.id, RESET, now)
        await self.audit.record(
            AuditEvent(
                AuditKind.PASSWORD_CHANGED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
            )
        )
        return OutgoingEmail(user.email, EmailKind.PASSWORD_CHANGED, user.id, {"name": user.name})


@dataclass(slots=True)
class RequestPasswordReset:
    users: UserRepository
    tokens: AccountTokenStore
    limiter: RateLimiter
    clock: Clock
    audit: AuditLog
    limits: ResetLimits

    async def __call__(self, email: str, client: str = "unknown") -> OutgoingEmail | None:
        """The reset mail to send, or None when no account has this address. Both paths
        do the same work (limiter, token, one write, one audit event) and the mail goes out
        after the answer, so neither the answer nor its timing tells them apart."""
        email = normalize_email(email)
        account = hashlib.sha256(email.encode()).hexdigest()[:24]
        await spend(
            self.limiter,
            [
                (f"password-reset:ip:{client}", self.limits.per_client),
                (f"password-reset:account:{account}", self.limits.per_account),
            ],
            "Too many password reset requests",
        )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        digest = token_digest(token)
        now = self.clock.now()
        user = await self.users.get_by_email(email)
        if user is None or not user.is_active:
            await self.tokens.invalidate(uuid.uuid4(), RESET, now)  # the same kind of write
            user = None
        else:
            await self.tokens.issue(user.id, RESET, digest, now, now + TOKEN_TTL[RESET])
        await self.audit.record(
            AuditEvent(
                AuditKind.PASSWORD_RESET_REQUESTED,
                now,
                subject_id=user.id if user else None,
                request_id=request_id_var.get(),
                details={"account": "known" if user else "unknown"},
            )
        )
        if user is None:
            return None
        return OutgoingEmail(
            user.email, EmailKind.PASSWORD_RESET, user.id, {"name": user.name, "token": token}
        )


@dataclass(slots=True)
class ConfirmPasswordReset:
    users: UserRepository
    hasher: PasswordHasher
    tokens: AccountTokenStore
    sessions: SessionStore
    clock: Clock
    audit: AuditLog

    async def __call__(self, token: str, new_password: str) -> None:
        check_new_password(new_password)  # before spending the token: a typo costs nothing
        now = self.clock.now()
        user_id = await self.tokens.consume(RESET, token_digest(token), now)
        user = await self.users.get(user_id) if user_id is not None else None
        if user is None or not user.is_active:
            raise invalid_token()
        # The mail reached its owner: the address is proven as well.
        await self.users.save(
            replace(
                user,
                password_hash=self.hasher.hash(new_password),
                email_verified=True,
                updated_at=now,
            )
        )
        # Every login ends, access tokens and refresh families alike. Per session rather
        # than by a time cutoff: a cutoff (whole seconds) would also end a login made with
        # the new password within the same second.
        await self.sessions.revoke_sessions(user.id, now)
        await self.tokens.invalidate(user.id, RESET, now)
        await self.audit.record(
            AuditEvent(
                AuditKind.PASSWORD_RESET,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
            )
        )
