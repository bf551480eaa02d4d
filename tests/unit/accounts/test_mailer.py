"""The mailer never raises into a request: failures and slow servers are logged, and only
sent mail is recorded."""

from __future__ import annotations

import asyncio
import logging
import uuid

from adapters.clock import ManualClock
from application.accounts.mail import Mailer
from domain.accounts.email import EmailKind, OutgoingEmail


class Log:
    def __init__(self) -> None:
        self.records: list[tuple] = []

    async def record(self, user_id, kind, sent_at) -> None:
        self.records.append((user_id, kind, sent_at))


class Sender:
    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sent: list[OutgoingEmail] = []

    async def send(self, message: OutgoingEmail) -> None:
        if self.behaviour == "fail":
            raise ConnectionRefusedError("secret@example.com refused")
        if self.behaviour == "hang":
            await asyncio.sleep(3600)
        self.sent.append(message)


def message() -> OutgoingEmail:
    return OutgoingEmail(
        "person@example.com",
        EmailKind.PASSWORD_RESET,
        uuid.uuid4(),
        {"token": "T0KEN-SECRET", "name": "Ada"},
    )


async def test_sent_mail_is_recorded_by_kind_and_time():
    log, clock = Log(), ManualClock()
    msg = message()
    assert await Mailer(Sender("ok"), log, clock).deliver(msg) is True
    assert log.records == [(msg.user_id, EmailKind.PASSWORD_RESET, clock.now())]
    assert await Mailer(Sender("ok"), log, clock).deliver(None) is False


async def test_failures_and_timeouts_are_logged_without_personal_data(caplog):
    caplog.set_level(logging.INFO, logger="psi.mail")
    for behaviour in ("fail", "hang"):
        log = Log()
        mailer = Mailer(Sender(behaviour), log, ManualClock(), timeout_s=0.05)
        assert await mailer.deliver(message()) is False
        assert log.records == []
    text = caplog.text
    assert "email_not_sent" in text and "ConnectionRefusedError" in text
    assert "TimeoutError" in text
    for secret in ("person@example.com", "T0KEN-SECRET", "secret@example.com", "Ada"):
        assert secret not in text


class AnsweringSender:
    """A mail server whose answer the test lets in."""

    def __init__(self) -> None:
        self.answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.sending = asyncio.Event()

    async def send(self, message: OutgoingEmail) -> None:
        self.sending.set()
        await self.answer


async def test_a_cancel_that_comes_as_the_server_answers_is_not_lost():
    sender, log = AnsweringSender(), Log()
    delivery = asyncio.create_task(Mailer(sender, log, ManualClock()).deliver(message()))
    async with asyncio.timeout(5):
        await sender.sending.wait()
    sender.answer.set_result(None)
    delivery.cancel()  # before the delivery runs again: asyncio.wait_for would return
    await asyncio.wait({delivery}, timeout=5)
    assert delivery.cancelled()
