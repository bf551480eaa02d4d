"""In-process identity adapters: fast fakes for unit tests (not used by any profile)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from domain.audit import AuditEvent
from domain.errors import EmailAlreadyRegistered
from domain.identity.model import Subscription, Tier, User
from domain.identity.tokens import Principal, RotationOutcome
from domain.privacy.consent import Consents


class MemoryUserRepository:
    def __init__(self) -> None:
        self.users: dict[UUID, User] = {}
        self.subscriptions: dict[UUID, Subscription] = {}
        self.purge_after: dict[UUID, datetime] = {}

    async def add(self, user: User) -> None:
        if any(u.email == user.email for u in self.users.values()):
            raise EmailAlreadyRegistered()
        self.users[user.id] = user
        self.subscriptions[user.id] = Subscription(
            user.id, user.tier, "active", user.created_at, user.created_at
        )

    async def get(self, user_id: UUID, *, with_secret: bool = False) -> User | None:
        return self.users.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email), None)

    async def save(self, user: User) -> None:
        if user.id in self.users:
            if user.password_hash is None:  # not loaded: left as stored
                user = replace(user, password_hash=self.users[user.id].password_hash)
            self.users[user.id] = user

    async def get_subscription(self, user_id: UUID) -> Subscription | None:
        return self.subscriptions.get(user_id)

    async def change_tier(self, user_id: UUID, tier: Tier, now: datetime) -> User | None:
        user = self.users.get(user_id)
        if user is None or not user.is_active:
            return None
        self.users[user_id] = user.with_tier(tier, now)
        self.subscriptions[user_id] = replace(
            self.subscriptions[user_id], tier=tier, updated_at=now
        )
        return self.users[user_id]

    async def mark_deleted(
        self, user_id: UUID, now: datetime, purge_after: datetime, email: str, name: str
    ) -> bool:
        user = self.users.get(user_id)
        if user is None or not user.is_active:
            return False
        self.users[user_id] = replace(
            user,
            deleted_at=now,
            email=email,
            name=name,
            password_hash="!",  # noqa: S106 (an unusable hash, not a password)
            updated_at=now,
        )
        self.purge_after[user_id] = purge_after
        return True

    async def due_for_purge(self, now: datetime, limit: int) -> list[UUID]:
        return [
            uid
            for uid, when in sorted(self.purge_after.items(), key=lambda kv: kv[1])
            if when <= now and uid in self.users
        ][:limit]

    async def remove(self, user_id: UUID) -> None:
        self.users.pop(user_id, None)
        self.subscriptions.pop(user_id, None)
        self.purge_after.pop(user_id, None)


class MemorySessionStore:
    def __init__(self) -> None:
        # session id -> (user id, current refresh id, expires at, revoked)
        self.sessions: dict[UUID, tuple[UUID, str, datetime, bool]] = {}
        self.cutoffs: dict[UUID, datetime] = {}

    async def start(
        self,
        session_id: UUID,
        user_id: UUID,
        refresh_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> None:
        self.sessions[session_id] = (user_id, refresh_token_id, expires_at, False)

    async def rotate(
        self,
        session_id: UUID,
        presented_token_id: str,
        new_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> RotationOutcome:
        entry = self.sessions.get(session_id)
        if entry is None or entry[3] or entry[2] <= now:
            return RotationOutcome.UNKNOWN
        user_id, current, _, _ = entry
        if current != presented_token_id:
            self.sessions[session_id] = (user_id, current, entry[2], True)
            return RotationOutcome.REUSED
        self.sessions[session_id] = (user_id, new_token_id, expires_at, False)
        return RotationOutcome.ROTATED

    async def revoke_session(self, session_id: UUID, now: datetime) -> None:
        entry = self.sessions.get(session_id)
        if entry is not None:
            self.sessions[session_id] = (*entry[:3], True)

    async def revoke_user(self, user_id: UUID, now: datetime) -> None:
        self.cutoffs[user_id] = now
        for sid, entry in list(self.sessions.items()):
            if entry[0] == user_id:
                self.sessions[sid] = (*entry[:3], True)

    async def revoke_sessions(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        for sid, entry in list(self.sessions.items()):
            if entry[0] == user_id and sid != keep:
                self.sessions[sid] = (*entry[:3], True)

    async def is_revoked(self, principal: Principal) -> bool:
        entry = self.sessions.get(principal.session_id)
        if entry is not None and entry[3]:
            return True
        cutoff = self.cutoffs.get(principal.user_id)
        return cutoff is not None and principal.issued_at <= cutoff

    async def ping(self) -> None:
        return None


class MemoryAuditLog:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    async def record(self, event: AuditEvent) -> None:
        self.events.append(event)


class MemoryConsentRepository:
    def __init__(self) -> None:
        self.items: dict[UUID, Consents] = {}

    async def get(self, user_id: UUID) -> Consents | None:
        return self.items.get(user_id)

    async def put(self, consents: Consents) -> None:
        self.items[consents.user_id] = consents
