"""EmailSender over SMTP: `smtp://user:pass@host:587?starttls=true` (STARTTLS) or
`smtps://user:pass@host:465` (TLS from the first byte). `cafile=` in the query trusts a
private certificate authority (a company relay, the tests' server)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from adapters.email.compose import compose
from domain.accounts.email import OutgoingEmail

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None
    cafile: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("PSI_SMTP_URL must look like smtp://host:587 or smtps://host:465")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            implicit_tls=implicit,
            starttls=not implicit and query.get("starttls", "").lower() in _TRUE,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            cafile=query.get("cafile"),
        )


class SmtpEmailSender:
    def __init__(self, url: str, from_address: str, link_base: str, timeout_s: float) -> None:
        self._target = SmtpTarget.parse(url)
        self._from = from_address
        self._link_base = link_base
        self._timeout = timeout_s

    async def send(self, message: OutgoingEmail) -> None:
        mime = compose(message, self._from, self._link_base)
        # smtplib is blocking: a worker thread, each socket operation bounded by the timeout.
        await asyncio.to_thread(self._deliver, mime)

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self._target.cafile)

    def _deliver(self, mime) -> None:
        t = self._target
        client: smtplib.SMTP
        if t.implicit_tls:
            client = smtplib.SMTP_SSL(t.host, t.port, timeout=self._timeout, context=self._tls())
        else:
            client = smtplib.SMTP(t.host, t.port, timeout=self._timeout)
        with client:
            client.ehlo()
            if t.starttls:
                client.starttls(context=self._tls())
                client.ehlo()
            if t.username:
                client.login(t.username, t.password or "")
            client.send_message(mime)
