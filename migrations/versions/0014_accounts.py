"""accounts: single-use account tokens, the sent-mail log, the subscription history and the
payment provider's applied events

Revision ID: 0014_accounts
Revises: 0008_food_history_cards
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0014_accounts"
down_revision = "0012_food_images"
branch_labels = None
depends_on = None

_GUID = advanced_alchemy.types.guid.GUID(length=16)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name, advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "payment_events",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        _when("received_at"),
        sa.Column("user_id", _GUID, nullable=True),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_payment_events")),
    )
    with op.batch_alter_table("payment_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "account_tokens",
        sa.Column("id", _GUID, nullable=False),
        sa.Column("user_id", _GUID, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_account_tokens_user_purpose", ["user_id", "purpose"], unique=False
        )

    op.create_table(
        "email_log",
        sa.Column("id", _GUID, nullable=False),
        sa.Column("user_id", _GUID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _when("sent_at"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_log_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_log")),
    )
    with op.batch_alter_table("email_log", schema=None) as batch_op:
        batch_op.create_index("ix_email_log_user_sent", ["user_id", "sent_at"], unique=False)

    op.create_table(
        "subscription_history",
        sa.Column("id", _GUID, nullable=False),
        sa.Column("user_id", _GUID, nullable=False),
        sa.Column("stripe_subscription_id", sa.String(length=255), nullable=False),
        sa.Column("stripe_customer_id", sa.String(length=255), nullable=True),
        sa.Column("plan", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _when("trial_ends_at", nullable=True),
        _when("current_period_end", nullable=True),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        _when("ended_at", nullable=True),
        sa.Column("last_event_created", sa.BigInteger(), nullable=False),
        _when("past_due_since", nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_subscription_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_history")),
        sa.UniqueConstraint(
            "stripe_subscription_id", name=op.f("uq_subscription_history_stripe_subscription_id")
        ),
    )
    with op.batch_alter_table("subscription_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscription_history_status_period", ["status", "current_period_end"], unique=False
        )
        batch_op.create_index(
            "ix_subscription_history_user_created", ["user_id", "created_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("subscription_history")
    op.drop_table("email_log")
    op.drop_table("account_tokens")
    op.drop_table("payment_events")
