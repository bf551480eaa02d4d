"""Messages Psi sends to a person: which kind, to whom, with what values filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class EmailKind(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a message kind)
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a message kind)


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One message before rendering. `values` fill the kind's templates; they are never
    logged (the token in a reset mail is a secret, a name is personal data)."""

    to: str
    kind: EmailKind
    user_id: UUID | None
    values: dict[str, str] = field(default_factory=dict)
