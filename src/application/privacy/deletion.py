"""Use cases for leaving: delete the account now, purge every trace after the grace period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.context import request_id_var
from application.ports.clock import Clock
from application.ports.identity import AuditLog, PasswordHasher, SessionStore, UserRepository
from application.ports.privacy import AuditReader, PersonalDataStore
from application.ports.ratelimit import RateLimiter
from domain.audit import AuditEvent, AuditKind
from domain.errors import InvalidCredentials, NotFound
from domain.identity.tokens import Principal
from domain.privacy.deletion import ANONYMISED_NAME, anonymised_email, purge_after


@dataclass(slots=True)
class DeleteAccount:
    users: UserRepository
    hasher: PasswordHasher
    sessions: SessionStore
    clock: Clock
    audit: AuditLog

    async def __call__(self, caller: Principal, password: str) -> datetime:
        """Re-authenticates with the password, so a stolen access token alone cannot
        delete an account. Returns when the purge will happen."""
        user = await self.users.get(caller.user_id, with_secret=True)
        if user is None or not user.is_active:
            raise NotFound()
        if user.password_hash is None or not self.hasher.verify(user.password_hash, password):
            raise InvalidCredentials("Password confirmation failed")
        now = self.clock.now()
        when = purge_after(now)
        # Revoke first: from here on no token of this user works, whatever happens next.
        await self.sessions.revoke_user(user.id, now)
        await self.users.mark_deleted(
            user.id, now, when, anonymised_email(user.id), ANONYMISED_NAME
        )
        await self.audit.record(
            AuditEvent(
                AuditKind.DELETION_REQUESTED,
                now,
                actor_id=user.id,
                subject_id=user.id,
                request_id=request_id_var.get(),
                details={"purge_after": when.isoformat()},
            )
        )
        return when


@dataclass(frozen=True, slots=True)
class PurgeReport:
    accounts: int
    deleted: dict[str, int]
    complete: bool


@dataclass(slots=True)
class PurgeDeletedAccounts:
    """Hard-deletes every trace of accounts past their grace period, in bounded batches.

    Idempotent and resumable: each store deletes what is left, the account row goes
    last, so a purge killed half-way is finished by the next run.
    """

    users: UserRepository
    stores: tuple[PersonalDataStore, ...]
    audit_reader: AuditReader
    audit: AuditLog
    clock: Clock
    limiter: RateLimiter  # its per-user keys name the person
    batch_size: int = 500
    max_batches_per_store: int = 1_000

    async def __call__(self, max_accounts: int = 100) -> PurgeReport:
        now = self.clock.now()
        counts: Counter[str] = Counter()
        due = await self.users.due_for_purge(now, max_accounts)
        complete = True
        for user_id in due:
            finished = await self._purge_one(user_id, counts)
            complete = complete and finished
        if due:
            # Counts per store and nothing else: no ids, no personal data.
            await self.audit.record(
                AuditEvent(
                    AuditKind.PURGE_COMPLETED,
                    self.clock.now(),
                    request_id=request_id_var.get(),
                    details={"accounts": len(due), "deleted": dict(counts), "complete": complete},
                )
            )
        return PurgeReport(len(due), dict(counts), complete)

    async def _purge_one(self, user_id: UUID, counts: Counter[str]) -> bool:
        for store in self.stores:
            for _ in range(self.max_batches_per_store):
                n = await store.purge(user_id, self.batch_size)
                counts[store.name] += n
                if n == 0:
                    break
            else:
                return False  # more than the bound: the next run continues
        counts["rate_limits"] += await self.limiter.forget_user(user_id)
        counts["audit_subject_refs"] += await self.audit_reader.forget_subject(user_id)
        await self.users.remove(user_id)
        counts["accounts"] += 1
        return True


@dataclass(slots=True)
class ExpireAuditEvents:
    """Audit events are kept for a configured period, then deleted in bounded batches."""

    reader: AuditReader
    clock: Clock
    retention: timedelta
    batch_size: int = 5_000
    max_batches: int = 100

    async def __call__(self) -> int:
        cutoff = self.clock.now() - self.retention
        total = 0
        for _ in range(self.max_batches):
            n = await self.reader.delete_before(cutoff, self.batch_size)
            total += n
            if n < self.batch_size:
                break
        return total
