"""The account lifecycle: mail, single-use tokens, password reset, email verification,
paid subscriptions."""

from __future__ import annotations

import logging
from datetime import timedelta

from dishka import Provider, Scope, provide

from adapters.email.outbox import OutboxEmailSender
from adapters.email.smtp import SmtpEmailSender
from adapters.payments.stripe_gateway import StripeGateway
from adapters.sql.accounts import SqlAccountTokenStore, SqlEmailLog, SqlSubscriptionHistory
from adapters.sql.database import Database
from application.accounts.mail import Mailer
from application.accounts.passwords import (
    ChangePassword,
    ConfirmPasswordReset,
    RequestPasswordReset,
    ResetLimits,
)
from application.accounts.subscriptions import (
    ApplyPaymentEvent,
    CancelSubscription,
    EndSubscriptionOnDeletion,
    ExpireLapsedSubscriptions,
    GetSubscription,
    PaymentCustomerErasure,
    StartCheckout,
    TierSync,
)
from application.accounts.verification import RequestEmailVerification, VerifyEmail
from application.ports.accounts import (
    AccountTokenStore,
    EmailLog,
    EmailSender,
    PaymentGateway,
    SubscriptionHistory,
)
from application.ports.clock import Clock
from application.ports.identity import UserRepository
from domain.accounts.subscriptions import Plan
from domain.ratelimit import Quota
from entrypoints.settings import Settings


class AccountsProvider(Provider):
    scope = Scope.APP

    @provide
    def email_sender(self, s: Settings) -> EmailSender:
        if s.smtp_url:
            return SmtpEmailSender(s.smtp_url, s.email_from, s.email_link_base, s.email_timeout_s)
        if s.is_production:
            logging.getLogger("psi.mail").warning(
                "PSI_SMTP_URL is not set: account mail is written to %s, not sent", s.outbox_dir
            )
        return OutboxEmailSender(s.outbox_dir, s.email_from, s.email_link_base)

    @provide
    def email_log(self, db: Database) -> EmailLog:
        return SqlEmailLog(db)

    @provide
    def mailer(self, sender: EmailSender, sent: EmailLog, clock: Clock, s: Settings) -> Mailer:
        # The sender's own socket timeouts apply per operation; this bounds the whole send.
        return Mailer(sender, sent, clock, timeout_s=s.email_timeout_s * 2)

    @provide
    def account_tokens(self, db: Database) -> AccountTokenStore:
        return SqlAccountTokenStore(db)

    @provide
    def reset_limits(self, s: Settings) -> ResetLimits:
        return ResetLimits(
            Quota(s.password_resets_per_ip_per_hour, 3600),
            Quota(s.password_resets_per_account_per_hour, 3600),
        )

    @provide
    def payments(self, s: Settings) -> PaymentGateway:
        return StripeGateway(
            s.stripe_secret_key,
            s.stripe_webhook_secret,
            {
                Plan.PREMIUM_MONTHLY: s.stripe_price_monthly,
                Plan.PREMIUM_YEARLY: s.stripe_price_yearly,
            },
            api_base=s.stripe_api_base,
            timeout_s=s.stripe_timeout_s,
            success_url=s.stripe_success_url,
            cancel_url=s.stripe_cancel_url,
        )

    @provide
    def subscription_history(self, db: Database) -> SubscriptionHistory:
        return SqlSubscriptionHistory(db)

    @provide(scope=Scope.REQUEST)
    def checkout(
        self,
        users: UserRepository,
        history: SubscriptionHistory,
        gateway: PaymentGateway,
        s: Settings,
    ) -> StartCheckout:
        return StartCheckout(users, history, gateway, max(0, s.stripe_trial_days))

    @provide(scope=Scope.REQUEST)
    def expire_lapsed(
        self, history: SubscriptionHistory, sync: TierSync, clock: Clock, s: Settings
    ) -> ExpireLapsedSubscriptions:
        return ExpireLapsedSubscriptions(
            history, sync, clock, timedelta(days=s.subscription_grace_days)
        )

    # In a request's scope (jobs open one): they read accounts through the request's
    # view of the account repository (entrypoints/providers/request.py).
    billing = (
        provide(TierSync, scope=Scope.REQUEST)
        + provide(GetSubscription, scope=Scope.REQUEST)
        + provide(CancelSubscription, scope=Scope.REQUEST)
        + provide(ApplyPaymentEvent, scope=Scope.REQUEST)
        + provide(EndSubscriptionOnDeletion)
    )

    @provide
    def payment_erasure(
        self, history: SubscriptionHistory, gateway: PaymentGateway
    ) -> PaymentCustomerErasure:
        return PaymentCustomerErasure(history, gateway)

    use_cases = (
        provide(ChangePassword, scope=Scope.REQUEST)
        + provide(RequestPasswordReset, scope=Scope.REQUEST)
        + provide(ConfirmPasswordReset, scope=Scope.REQUEST)
        + provide(RequestEmailVerification, scope=Scope.REQUEST)
        + provide(VerifyEmail, scope=Scope.REQUEST)
    )
