from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from domain.identity.model import Subscription, Tier, User
from domain.identity.tokens import TokenPair
from domain.privacy.consent import Consents
from entrypoints.http.envelopes import iso
from entrypoints.http.schemas.base import Input, Output

# Lengths here only bound the work per request; the domain judges the content and
# answers with field-level messages.
Email = Annotated[str, msgspec.Meta(max_length=320, description="Email, normalised to lower case")]
Password = Annotated[
    str,
    msgspec.Meta(
        max_length=1024,
        description=("8-128 characters with an upper-case letter, a lower-case letter and a digit"),
    ),
]
Name = Annotated[str, msgspec.Meta(max_length=2048, description="1-255 characters, HTML stripped")]


class ConsentsIn(Input):
    biometrics: bool
    food_photos: bool


class RegisterIn(Input):
    email: Email
    password: Password
    name: Name
    consents: ConsentsIn | None = None


class LoginIn(Input):
    email: Email
    password: Password


class RefreshIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(max_length=4096)]


class PatchMeIn(Input):
    name: Name | msgspec.UnsetType = msgspec.UNSET


class TierIn(Input):
    tier: Tier


class UserOut(Output):
    id: UUID
    email: str
    name: str
    subscription_tier: Tier
    email_verified: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(
            id=u.id,
            email=u.email,
            name=u.name,
            subscription_tier=u.tier,
            email_verified=u.email_verified,
            created_at=iso(u.created_at),
            updated_at=iso(u.updated_at),
            last_login_at=iso(u.last_login_at),
        )


class TokenOut(Output):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    refresh_token: str
    refresh_expires_in: int

    @classmethod
    def of(cls, pair: TokenPair) -> TokenOut:
        return cls(
            access_token=pair.access.token,
            token_type="bearer",  # noqa: S106
            expires_in=pair.access_ttl_s,
            refresh_token=pair.refresh.token,
            refresh_expires_in=pair.refresh_ttl_s,
        )


class SubscriptionOut(Output):
    tier: Tier
    subscription_tier: Tier
    status: str
    started_at: datetime
    updated_at: datetime
    expires_at: datetime | None

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionOut:
        return cls(
            tier=s.tier,
            subscription_tier=s.tier,
            status=s.status,
            started_at=iso(s.started_at),
            updated_at=iso(s.updated_at),
            expires_at=iso(s.expires_at),
        )


class ConsentsOut(Output):
    biometrics: bool
    food_photos: bool
    updated_at: datetime | None

    @classmethod
    def of(cls, c: Consents) -> ConsentsOut:
        return cls(biometrics=c.biometrics, food_photos=c.food_photos, updated_at=iso(c.updated_at))
