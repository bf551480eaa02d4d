"""SQL tables of the account lifecycle: single-use tokens, the sent-mail log, the history of
paid subscriptions and the payment provider's events already applied."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import GUID, Base, DateTimeUTC


class AccountTokenRow(Base):
    """A password-reset or verification token, by its SHA-256 only."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)


class EmailLogRow(Base):
    """Which kind of message went to a person and when; never its content."""

    __tablename__ = "email_log"
    __table_args__ = (Index("ix_email_log_user_sent", "user_id", "sent_at"),)

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(DateTimeUTC)


class SubscriptionHistoryRow(Base):
    """One payment-provider subscription of a person (a person who cancels and comes back
    has several); the newest is the current one."""

    __tablename__ = "subscription_history"
    __table_args__ = (
        Index("ix_subscription_history_user_created", "user_id", "created_at"),
        Index("ix_subscription_history_status_period", "status", "current_period_end"),
    )

    id: Mapped[UUID] = mapped_column(GUID, primary_key=True)
    user_id: Mapped[UUID] = mapped_column(GUID, ForeignKey("users.id", ondelete="CASCADE"))
    stripe_subscription_id: Mapped[str] = mapped_column(String(255), unique=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    plan: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    trial_ends_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    current_period_end: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    ended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)
    last_event_created: Mapped[int] = mapped_column(BigInteger, default=0)
    past_due_since: Mapped[datetime | None] = mapped_column(DateTimeUTC, nullable=True)


class PaymentEventRow(Base):
    """A provider event already applied (webhooks are delivered at least once)."""

    __tablename__ = "payment_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    created: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    # Purged with the person (the generic purge finds every table with a user_id).
    user_id: Mapped[UUID | None] = mapped_column(GUID, nullable=True, index=True)
