"""Render an outgoing message from its kind's templates into a MIME message.

Each kind has `<kind>.txt` (first line: the subject; then a blank line; then the body) and
`<kind>.html`. Values are substituted with `string.Template`; in HTML they are escaped.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import cache
from importlib import resources
from string import Template
from urllib.parse import quote

from domain.accounts.email import EmailKind, OutgoingEmail

# Where each kind's link leads in the app (appended to the configured link base).
_LINK_PATHS = {
    EmailKind.PASSWORD_RESET: "reset-password",
    EmailKind.EMAIL_VERIFICATION: "verify-email",
}


@cache
def _template(name: str) -> Template:
    return Template(
        resources.files("adapters.email").joinpath("templates", name).read_text("utf-8")
    )


def _values(message: OutgoingEmail, link_base: str) -> dict[str, str]:
    values = {"name": "there", "token": "", "link": ""}
    values.update(message.values)
    path = _LINK_PATHS.get(message.kind)
    if path and values["token"]:
        values["link"] = f"{link_base.rstrip('/')}/{path}?token={quote(values['token'])}"
    return values


def compose(message: OutgoingEmail, from_address: str, link_base: str) -> EmailMessage:
    values = _values(message, link_base)
    text = _template(f"{message.kind.value}.txt").safe_substitute(values)
    subject, _, body = text.partition("\n\n")
    markup = _template(f"{message.kind.value}.html").safe_substitute(
        {k: html.escape(v, quote=True) for k, v in values.items()}
    )
    mime = EmailMessage()
    mime["Subject"] = subject.strip()
    mime["From"] = from_address
    mime["To"] = message.to
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or "psi.local")
    mime["X-Psi-Kind"] = message.kind.value
    mime.set_content(body.lstrip("\n"))
    mime.add_alternative(markup, subtype="html")
    return mime
