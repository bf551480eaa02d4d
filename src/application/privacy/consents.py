"""Use cases for consent: read it, change it, and require it before processing health data."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import request_id_var
from application.ports.clock import Clock
from application.ports.identity import AuditLog
from application.ports.privacy import ConsentRepository
from domain.audit import AuditEvent, AuditKind
from domain.privacy.consent import ConsentKind, Consents, ensure_consent


@dataclass(slots=True)
class GetConsents:
    consents: ConsentRepository

    async def __call__(self, user_id: UUID) -> Consents:
        return await self.consents.get(user_id) or Consents.none_given(user_id)


@dataclass(slots=True)
class UpdateConsents:
    consents: ConsentRepository
    clock: Clock
    audit: AuditLog

    async def __call__(self, user_id: UUID, *, biometrics: bool, food_photos: bool) -> Consents:
        before = await self.consents.get(user_id) or Consents.none_given(user_id)
        now = self.clock.now()
        after = Consents(user_id, biometrics=biometrics, food_photos=food_photos, updated_at=now)
        await self.consents.put(after)
        if (before.biometrics, before.food_photos) != (biometrics, food_photos):
            await self.audit.record(
                AuditEvent(
                    AuditKind.CONSENT_CHANGED,
                    now,
                    actor_id=user_id,
                    subject_id=user_id,
                    request_id=request_id_var.get(),
                    details={"biometrics": biometrics, "food_photos": food_photos},
                )
            )
        return after


@dataclass(slots=True)
class RequireConsent:
    """Called by every use case that processes health data, before it touches the data."""

    consents: ConsentRepository

    async def __call__(self, user_id: UUID, kind: ConsentKind) -> None:
        ensure_consent(await self.consents.get(user_id) or Consents.none_given(user_id), kind)
