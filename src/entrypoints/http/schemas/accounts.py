from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from domain.accounts.subscriptions import Plan, SubscriptionStatus
from domain.identity.model import Tier
from entrypoints.http.schemas.base import Input, Output
from entrypoints.http.schemas.identity import Email, Password

Token = Annotated[str, msgspec.Meta(max_length=128, description="The token from the email")]


class ChangePasswordIn(Input):
    current_password: Password
    new_password: Password


class PasswordResetIn(Input):
    email: Email


class PasswordResetConfirmIn(Input):
    token: Token
    new_password: Password


class VerifyEmailIn(Input):
    token: Token


class AcceptedOut(Output):
    status: Literal["accepted"] = "accepted"


class SubscriptionStateOut(Output):
    tier: Tier
    status: SubscriptionStatus
    plan: Plan | None
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool


class CheckoutIn(Input):
    plan: Plan


class CheckoutOut(Output):
    checkout_url: str


class WebhookOut(Output):
    received: bool
    applied: bool
