"""Security and privacy events. They carry identifiers and outcomes, never health data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID


class AuditKind(StrEnum):
    REGISTERED = "user.registered"
    LOGIN_SUCCEEDED = "auth.login_succeeded"
    LOGIN_FAILED = "auth.login_failed"
    LOGGED_OUT = "auth.logged_out"
    TOKEN_REUSE_DETECTED = "auth.refresh_reuse_detected"  # noqa: S105 (an event name)
    TIER_CHANGED = "user.tier_changed"
    PROFILE_UPDATED = "user.profile_updated"
    DATA_EXPORTED = "privacy.data_exported"
    DELETION_REQUESTED = "privacy.deletion_requested"
    PURGE_COMPLETED = "privacy.purge_completed"
    CONSENT_CHANGED = "privacy.consent_changed"
    PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an event name)
    PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"  # noqa: S105
    PASSWORD_RESET = "auth.password_reset"  # noqa: S105 (an event name)
    EMAIL_VERIFIED = "user.email_verified"
    SUBSCRIPTION_CHANGED = "billing.subscription_changed"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    kind: AuditKind
    at: datetime
    actor_id: UUID | None = None
    subject_id: UUID | None = None
    request_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
