"""Use cases for accounts: register, read and update the profile, change tiers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from application.context import request_id_var
from application.ports.clock import Clock
from application.ports.identity import AuditLog, PasswordHasher, UserRepository
from domain.audit import AuditEvent, AuditKind
from domain.errors import Forbidden, NotFound
from domain.identity.model import (
    Subscription,
    Tier,
    User,
    check_password_policy,
    clean_name,
    normalize_email,
    tier_allows,
)
from domain.identity.tokens import Principal


@dataclass(slots=True)
class Register:
    users: UserRepository
    hasher: PasswordHasher
    clock: Clock
    audit: AuditLog

    async def __call__(self, email: str, password: str, name: str) -> User:
        email = normalize_email(email)
        check_password_policy(password)
        name = clean_name(name)
        now = self.clock.now()
        user = User(
            id=uuid.uuid4(),
            email=email,
            name=name,
            password_hash=self.hasher.hash(password),
            tier=Tier.FREE,
            email_verified=False,
            created_at=now,
            updated_at=now,
        )
        await self.users.add(user)
        await self.audit.record(
            AuditEvent(
                AuditKind.REGISTERED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
            )
        )
        return user


@dataclass(slots=True)
class GetUser:
    users: UserRepository

    async def me(self, caller: Principal) -> User:
        user = await self.users.get(caller.user_id)
        if user is None or not user.is_active:
            raise NotFound()
        return user

    async def by_id(self, caller: Principal, user_id: UUID) -> User:
        # Another user's id answers exactly like a missing one: no existence leak.
        if user_id != caller.user_id and not tier_allows(caller.tier, Tier.ADMIN):
            raise NotFound()
        user = await self.users.get(user_id)
        if user is None or not user.is_active:
            raise NotFound()
        return user

    async def subscription(self, caller: Principal) -> tuple[User, Subscription]:
        user = await self.me(caller)
        sub = await self.users.get_subscription(user.id)
        if sub is None:
            raise NotFound()
        return user, sub


@dataclass(slots=True)
class UpdateProfile:
    users: UserRepository
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal, name: str | None) -> User:
        user = await self.users.get(caller.user_id)
        if user is None or not user.is_active:
            raise NotFound()
        if name is None:
            return user
        now = self.clock.now()
        user = user.renamed(clean_name(name), now)
        await self.users.save(user)
        await self.audit.record(
            AuditEvent(
                AuditKind.PROFILE_UPDATED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
                details={"fields": ["name"]},
            )
        )
        return user


@dataclass(slots=True)
class ChangeTier:
    users: UserRepository
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal, user_id: UUID, tier: Tier) -> User:
        # The token's tier claim may be up to an hour old: check the caller's
        # current tier before letting an admin action through.
        actor = await self.users.get(caller.user_id)
        if actor is None or not actor.is_active or not tier_allows(actor.tier, Tier.ADMIN):
            raise Forbidden()
        now = self.clock.now()
        before = await self.users.get(user_id)
        if before is None or not before.is_active:
            raise NotFound()
        user = await self.users.change_tier(user_id, tier, now)
        if user is None:
            raise NotFound()
        await self.audit.record(
            AuditEvent(
                AuditKind.TIER_CHANGED,
                now,
                actor_id=actor.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
                details={"from": before.tier.value, "to": tier.value},
            )
        )
        return user
