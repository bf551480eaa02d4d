"""A real SMTP server for tests (aiosmtpd), plain, STARTTLS or implicit TLS, with a
certificate made by the openssl CLI for the occasion."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "mailer", "s3cret:pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Inbox:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, data):
    ok = (
        isinstance(data, LoginPassword)
        and data.login == USER.encode()
        and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


@contextmanager
def smtp_server(mode: str, folder: Path) -> Iterator[tuple[str, Inbox]]:
    """mode: plain | starttls | tls. Yields the PSI_SMTP_URL to reach it and its inbox."""
    inbox = Inbox()
    port = free_port()
    kwargs: dict = {}
    query = ""
    if mode in ("starttls", "tls"):
        cert, key = self_signed(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        kwargs["authenticator"] = _authenticate
        kwargs["auth_require_tls"] = True
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
            query = f"?starttls=true&cafile={cert}"
        else:
            # aiosmtpd cannot tell a TLS-wrapped listener from a plain one: allow AUTH.
            kwargs.update(ssl_context=context, auth_require_tls=False)
            query = f"?cafile={cert}"
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    try:
        if mode == "plain":
            yield f"smtp://127.0.0.1:{port}", inbox
        else:
            scheme = "smtps" if mode == "tls" else "smtp"
            yield f"{scheme}://{USER}:s3cret%3Apass@localhost:{port}{query}", inbox
    finally:
        controller.stop()
