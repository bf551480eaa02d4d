"""Delivering account mail: bounded in time, logged by kind and id only, never fatal."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from application.ports.accounts import EmailLog, EmailSender
from application.ports.clock import Clock
from domain.accounts.email import OutgoingEmail

log = logging.getLogger("psi.mail")


@dataclass(slots=True)
class Mailer:
    sender: EmailSender
    sent: EmailLog
    clock: Clock
    timeout_s: float = 10.0

    async def deliver(self, message: OutgoingEmail | None) -> bool:
        """Send one message (None: nothing to send). Runs after the answer has gone out,
        so a slow or failing mail server never holds a request or tells whether an account
        exists; a failure is logged (kind, user id, error type) and dropped."""
        if message is None:
            return False
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for returns when a cancel comes
            # as the send completes, and this task would run on.
            async with asyncio.timeout(self.timeout_s):
                await self.sender.send(message)
        except Exception as exc:
            log.warning(
                "email_not_sent kind=%s user_id=%s error_type=%s",
                message.kind.value,
                message.user_id,
                type(exc).__name__,
            )
            return False
        if message.user_id is not None:
            try:
                await self.sent.record(message.user_id, message.kind, self.clock.now())
            except Exception as exc:
                log.warning(
                    "email_log_failed kind=%s user_id=%s error_type=%s",
                    message.kind.value,
                    message.user_id,
                    type(exc).__name__,
                )
        log.info("email_sent kind=%s user_id=%s", message.kind.value, message.user_id)
        return True
