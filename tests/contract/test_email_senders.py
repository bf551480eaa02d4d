"""EmailSender: every adapter delivers the same message (subject, recipient, a plain-text
and an HTML body from the kind's templates). SMTP is tried against a real server, plain,
with STARTTLS and with implicit TLS (both with a login)."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from adapters.email.outbox import OutboxEmailSender
from adapters.email.smtp import SmtpEmailSender, SmtpTarget
from domain.accounts.email import EmailKind, OutgoingEmail
from tests.support.smtp_server import smtp_server

FROM = "Psi <no-reply@psi.test>"
LINKS = "https://app.psi.test/account"


class Received:
    def __init__(self, read) -> None:
        self.read = read


@pytest.fixture(params=["outbox", "smtp-plain", "smtp-starttls", "smtp-tls"])
def sender_and_inbox(request, tmp_path) -> Iterator[tuple[object, Received]]:
    if request.param == "outbox":
        folder = tmp_path / "outbox"

        def read() -> list[tuple[list[str], EmailMessage]]:
            found = []
            for path in sorted(folder.glob("*.eml")):
                msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                found.append(([msg["To"]], msg))
            return found

        yield OutboxEmailSender(folder, FROM, LINKS), Received(read)
        return
    mode = request.param.removeprefix("smtp-")
    with smtp_server(mode, tmp_path) as (url, inbox):
        yield SmtpEmailSender(url, FROM, LINKS, timeout_s=10), Received(lambda: inbox.messages)


def reset_mail(to: str = "ada@example.com") -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        kind=EmailKind.PASSWORD_RESET,
        user_id=uuid.uuid4(),
        values={"name": "Ada <b>Lovelace</b>", "token": "tok-123_abc"},
    )


async def test_a_message_arrives_with_text_and_html(sender_and_inbox):
    sender, received = sender_and_inbox
    await sender.send(reset_mail())
    [(recipients, msg)] = received.read()
    assert recipients == ["ada@example.com"]
    assert msg["Subject"] == "Reset your Psi password"
    assert msg["From"] == FROM and msg["X-Psi-Kind"] == "password_reset"
    text = msg.get_body(("plain",)).get_content()
    markup = msg.get_body(("html",)).get_content()
    assert "tok-123_abc" in text and f"{LINKS}/reset-password?token=tok-123_abc" in text
    assert "Hello Ada <b>Lovelace</b>," in text
    # Values are escaped in HTML: a name cannot inject markup into the message.
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in markup and "<b>Lovelace" not in markup
    assert f'href="{LINKS}/reset-password?token=tok-123_abc"' in markup


async def test_every_kind_renders(sender_and_inbox):
    sender, received = sender_and_inbox
    for kind in EmailKind:
        await sender.send(
            OutgoingEmail("bob@example.com", kind, None, {"name": "Bob", "token": "t0k"})
        )
    subjects = [m["Subject"] for _, m in received.read()]
    assert len(subjects) == len(EmailKind) and all(subjects)
    assert "$" not in "".join(m.get_body(("plain",)).get_content() for _, m in received.read())


def test_smtp_urls_parse():
    t = SmtpTarget.parse("smtp://user:p%40ss@mail.example.com:587?starttls=true")
    assert (t.host, t.port, t.starttls, t.implicit_tls, t.username, t.password) == (
        "mail.example.com",
        587,
        True,
        False,
        "user",
        "p@ss",
    )
    t = SmtpTarget.parse("smtps://mail.example.com")
    assert (t.port, t.implicit_tls, t.starttls, t.username) == (465, True, False, None)
    with pytest.raises(ValueError, match="PSI_SMTP_URL"):
        SmtpTarget.parse("http://mail.example.com")


async def test_smtp_refused_is_an_error_the_mailer_can_log(tmp_path):
    from tests.support.smtp_server import free_port

    sender = SmtpEmailSender(f"smtp://127.0.0.1:{free_port()}", FROM, LINKS, timeout_s=2)
    with pytest.raises(OSError):
        await sender.send(reset_mail())
