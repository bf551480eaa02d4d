"""Reading the mail the app wrote to its outbox (the embedded sender's .eml files)."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage

from entrypoints.settings import Settings

_TOKEN = re.compile(r"token=([A-Za-z0-9_\-%]+)")


def outbox(
    settings: Settings, to: str | None = None, kind: str | None = None
) -> list[EmailMessage]:
    found = []
    for path in sorted(settings.outbox_dir.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if (to is None or msg["To"] == to) and (kind is None or msg["X-Psi-Kind"] == kind):
            found.append(msg)
    return found


def token_in(msg: EmailMessage) -> str:
    match = _TOKEN.search(msg.get_body(("plain",)).get_content())
    assert match, "no token link in the message"
    return match.group(1)


def last_token(settings: Settings, to: str, kind: str) -> str:
    messages = outbox(settings, to, kind)
    assert messages, f"no {kind} mail to {to}"
    return token_in(messages[-1])
