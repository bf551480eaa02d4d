from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.audit import AuditEvent
from domain.identity.model import Subscription, Tier, User
from domain.identity.tokens import IssuedToken, Principal, RefreshClaims, RotationOutcome


@dataclass(frozen=True, slots=True)
class PrefetchedAccount:
    """What the account cache held for `user_id` when the request was admitted, read in
    the admission's own round trip (`user` None: nothing cached)."""

    user_id: UUID
    user: User | None


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Store a new user and its free subscription; EmailAlreadyRegistered if taken."""
        ...

    async def get(self, user_id: UUID, *, with_secret: bool = False) -> User | None:
        """The account; its `password_hash` may be None (not loaded) unless `with_secret`."""
        ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def save(self, user: User) -> None:
        """Persist changed fields of an existing user (name, tier, login time, and the hash
        unless it is None: not loaded)."""
        ...

    async def get_subscription(self, user_id: UUID) -> Subscription | None: ...

    async def change_tier(self, user_id: UUID, tier: Tier, now: datetime) -> User | None:
        """Set the tier on the user and its subscription in one transaction."""
        ...

    async def mark_deleted(
        self, user_id: UUID, now: datetime, purge_after: datetime, email: str, name: str
    ) -> bool:
        """Deactivate and anonymise the account; False if it was not active."""
        ...

    async def due_for_purge(self, now: datetime, limit: int) -> list[UUID]:
        """Deleted accounts whose grace period has passed."""
        ...

    async def remove(self, user_id: UUID) -> None:
        """Hard-delete the account row (and its subscription): the purge's last step."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def burn(self, password: str) -> None:
        """Spend the same time as a verification, for emails that have no account."""
        ...


class TokenCodec(Protocol):
    access_ttl_s: int
    refresh_ttl_s: int

    def issue_access(self, user: User, session_id: UUID, now: datetime) -> IssuedToken: ...

    def issue_refresh(self, user_id: UUID, session_id: UUID, now: datetime) -> IssuedToken: ...

    def decode_access(self, token: str, now: datetime) -> Principal:
        """InvalidToken for anything malformed or foreign, TokenExpired when past exp."""
        ...

    def decode_refresh(self, token: str, now: datetime) -> RefreshClaims: ...


class SessionStore(Protocol):
    """Security state: refresh-token families (one per login) and revocations.

    Must survive a restart in every profile.
    """

    async def start(
        self,
        session_id: UUID,
        user_id: UUID,
        refresh_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> None: ...

    async def rotate(
        self,
        session_id: UUID,
        presented_token_id: str,
        new_token_id: str,
        expires_at: datetime,
        now: datetime,
    ) -> RotationOutcome:
        """Atomically swap the current refresh token; a stale one revokes the family."""
        ...

    async def revoke_session(self, session_id: UUID, now: datetime) -> None: ...

    async def revoke_user(self, user_id: UUID, now: datetime) -> None:
        """Every token of this user issued up to `now` stops working, and every refresh
        family of the account ends: none can be rotated into a new access token."""
        ...

    async def revoke_sessions(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        """Revoke every login (refresh family and its access tokens) of this user except
        `keep`: a password change ends the other devices' sessions."""
        ...

    async def is_revoked(self, principal: Principal) -> bool: ...

    async def ping(self) -> None: ...


class AuditLog(Protocol):
    async def record(self, event: AuditEvent) -> None: ...
