"""Single-use account tokens (password reset, email verification).

The token itself goes to the person by email; only its SHA-256 is stored, so a copy of the
database does not let anyone reset a password.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from enum import StrEnum

TOKEN_BYTES = 32  # 256 bits of randomness, URL-safe base64 in the mail
TOKEN_MAX_CHARS = 128


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name)
    EMAIL_VERIFICATION = "email_verification"


TOKEN_TTL = {
    TokenPurpose.PASSWORD_RESET: timedelta(hours=1),
    TokenPurpose.EMAIL_VERIFICATION: timedelta(hours=48),
}


def token_digest(token: str) -> str:
    """The stored form of a token: hex SHA-256 (a token has 256 bits, no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
