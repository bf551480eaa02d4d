"""Accounts, tiers and the rules for the values people type in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import FieldError, ValidationFailed
from domain.identity.emails import fold, mixed_script_part
from domain.text import plain_text


class Tier(StrEnum):
    FREE = "free"
    PREMIUM = "premium"
    ADMIN = "admin"


_TIER_RANK = {Tier.FREE: 0, Tier.PREMIUM: 1, Tier.ADMIN: 2}


def tier_allows(actual: Tier, required: Tier) -> bool:
    """Tiers are ordered: admin can do what premium can, premium what free can."""
    return _TIER_RANK[actual] >= _TIER_RANK[required]


@dataclass(frozen=True, slots=True)
class User:
    id: UUID
    email: str
    name: str
    # None: not loaded (a cached copy of the account never holds it).
    password_hash: str | None
    tier: Tier
    email_verified: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    def renamed(self, name: str, now: datetime) -> User:
        return replace(self, name=name, updated_at=now)

    def with_tier(self, tier: Tier, now: datetime) -> User:
        return replace(self, tier=tier, updated_at=now)

    def logged_in(self, now: datetime, password_hash: str | None = None) -> User:
        return replace(self, last_login_at=now, password_hash=password_hash or self.password_hash)


@dataclass(frozen=True, slots=True)
class Subscription:
    user_id: UUID
    tier: Tier
    status: str
    started_at: datetime
    updated_at: datetime
    expires_at: datetime | None = None


EMAIL_MAX = 254
PASSWORD_MIN, PASSWORD_MAX = 8, 128
NAME_MIN, NAME_MAX = 1, 255

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is
# proven by verification mail, not by a regular expression.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(raw: str) -> str:
    """The one spelling of an address (domain.identity.emails): NFKC, invisible
    characters removed, lower case; mixed-script look-alikes refused."""
    email = fold(raw)
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise ValidationFailed.single("email", "must be a valid email address")
    if mixed_script_part(email) is not None:
        raise ValidationFailed.single(
            "email", "mixes letters of different scripts in one part (look-alike characters)"
        )
    return email


def password_problems(password: str) -> list[str]:
    problems = []
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        problems.append(f"must be {PASSWORD_MIN}-{PASSWORD_MAX} characters long")
    if not any(c.isupper() for c in password):
        problems.append("must contain an upper-case letter")
    if not any(c.islower() for c in password):
        problems.append("must contain a lower-case letter")
    if not any(c.isdigit() for c in password):
        problems.append("must contain a digit")
    return problems


def check_password_policy(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise ValidationFailed(
            [FieldError("password", "; ".join(problems))],
            message="password does not meet the policy",
        )


def clean_name(raw: str) -> str:
    """Plain text: HTML tags (and the entities they hide behind) stripped, whitespace
    collapsed; control characters refused."""
    text = plain_text("name", raw)
    if not NAME_MIN <= len(text) <= NAME_MAX:
        raise ValidationFailed.single(
            "name", f"must be {NAME_MIN}-{NAME_MAX} characters of text once HTML is removed"
        )
    return text
