"""Ports of the account lifecycle: email, single-use tokens, payments and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.accounts.email import EmailKind, OutgoingEmail
from domain.accounts.subscriptions import BillingSubscription, Plan
from domain.accounts.tokens import TokenPurpose


class EmailSender(Protocol):
    async def send(self, message: OutgoingEmail) -> None:
        """Deliver (or durably hand over) one message; raises on failure."""
        ...


class EmailLog(Protocol):
    """What was sent to whom and when (kind and time only: never the content)."""

    async def record(self, user_id: UUID, kind: EmailKind, sent_at: datetime) -> None: ...


class AccountTokenStore(Protocol):
    """Single-use tokens, stored as digests."""

    async def issue(
        self, user_id: UUID, purpose: TokenPurpose, digest: str, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new token; every earlier unused token of the same purpose stops working."""
        ...

    async def consume(self, purpose: TokenPurpose, digest: str, now: datetime) -> UUID | None:
        """Spend a live token atomically (at most one caller wins); its user, or None."""
        ...

    async def invalidate(self, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    user_id: UUID
    email: str
    customer_id: str | None
    plan: Plan
    trial_days: int


@dataclass(frozen=True, slots=True)
class ProviderSubscription:
    """A subscription as the payment provider reported it."""

    subscription_id: str
    customer_id: str | None
    status: str | None  # the provider's word (None: not stated, e.g. a checkout session)
    plan: Plan | None
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    user_id: UUID | None  # from the metadata Psi attached at checkout


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    id: str
    type: str
    created: int  # epoch seconds, the provider's clock: orders events of one subscription
    subscription: ProviderSubscription | None
    trial: bool = False  # checkout sessions: whether Psi asked for a trial


class PaymentGateway(Protocol):
    @property
    def configured(self) -> bool: ...

    async def create_checkout(self, request: CheckoutRequest) -> str:
        """A hosted checkout page's URL; DependencyUnavailable('payments') on failure."""
        ...

    async def cancel_at_period_end(self, subscription_id: str) -> ProviderSubscription: ...

    async def cancel_now(self, subscription_id: str) -> None:
        """End a subscription at once (no further charge); an unknown one is not an error."""
        ...

    async def delete_customer(self, customer_id: str) -> None:
        """Idempotent: a customer that is already gone is not an error."""
        ...

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Verify the signature and decode; ValidationFailed if it does not verify."""
        ...


class SubscriptionHistory(Protocol):
    async def latest(self, user_id: UUID) -> BillingSubscription | None: ...

    async def by_provider_id(self, subscription_id: str) -> BillingSubscription | None: ...

    async def save(self, subscription: BillingSubscription) -> None:
        """Insert or replace the record with this id."""
        ...

    async def customer_ids(self, user_id: UUID) -> list[str]: ...

    async def forget_customers(self, user_id: UUID) -> int:
        """Drop the provider customer ids of this user's records (after deletion there)."""
        ...

    async def paying_ended_before(self, cutoff: datetime, limit: int) -> list[BillingSubscription]:
        """Records still counted as paying whose paid or trial time ended before cutoff."""
        ...

    async def event_seen(self, event_id: str) -> bool: ...

    async def record_event(
        self, event_id: str, type_: str, created: int, user_id: UUID | None, now: datetime
    ) -> None: ...
