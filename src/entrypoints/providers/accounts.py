"""The account lifecycle: mail, single-use tokens, password reset, email verification,
paid subscriptions."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.email.outbox import OutboxEmailSender
from adapters.email.smtp import SmtpEmailSender
from adapters.sql.accounts import SqlAccountTokenStore, SqlEmailLog
from adapters.sql.database import Database
from application.accounts.mail import Mailer
from application.accounts.passwords import (
    ChangePassword,
    ConfirmPasswordReset,
    RequestPasswordReset,
    ResetLimits,
)
from application.accounts.verification import RequestEmailVerification, VerifyEmail
from application.ports.accounts import AccountTokenStore, EmailLog, EmailSender
from application.ports.clock import Clock
from domain.ratelimit import Quota
from entrypoints.settings import Settings


class AccountsProvider(Provider):
    scope = Scope.APP

    @provide
    def email_sender(self, s: Settings) -> EmailSender:
        if s.smtp_url:
            return SmtpEmailSender(s.smtp_url, s.email_from, s.email_link_base,
                                   s.email_timeout_s)
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
        return ResetLimits(Quota(s.password_resets_per_ip_per_hour, 3600),
                           Quota(s.password_resets_per_account_per_hour, 3600))

    use_cases = provide(ChangePassword) + provide(RequestPasswordReset) \
        + provide(ConfirmPasswordReset) + provide(RequestEmailVerification) \
        + provide(VerifyEmail)
