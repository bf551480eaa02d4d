"""What the production profile accepts as a secret.

The shipped manifests and the docs carry sample values (`replace-me-with-at-least-32-random-
bytes`, `smtp://user:pass@...`). Some pass a length or entropy check, so a deployment applied
as shipped would run with a key anyone can read in this repository: production refuses
placeholders and sample values, and secrets with too little variety, for every setting below.
Reasons never quote the value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

# Keys the operator generates (`secrets.token_urlsafe(48)`): the full strength check.
GENERATED_KEYS = ("jwt_secret", "s3_owner_key")
# Secrets issued elsewhere (a provider's key, a server's password): their format is not
# ours, so only placeholders and too little variety are refused.
ISSUED_SECRETS = (
    "stripe_secret_key",
    "stripe_webhook_secret",
    "anthropic_api_key",
    "fdc_api_key",
    "redis_sentinel_password",
)
# URLs whose password part is a secret.
CREDENTIAL_URLS = (
    "database_url",
    "database_replica_urls",
    "redis_url",
    "mongodb_uri",
    "smtp_url",
)

SECRET_MIN_BYTES, SECRET_MIN_BITS, SECRET_MIN_DISTINCT = 32, 128, 12
ISSUED_MIN_DISTINCT = 8

# Compared with the value lowercased and stripped of everything but letters and digits, so
# `Change_Me`, `change-me` and `CHANGEME` are one. Each is at least 7 characters: a random
# secret contains one by chance about never.
_PLACEHOLDER_MARKERS = ("replaceme", "changeme", "example", "placeholder", "yoursecret")
# Whole values: the usual stand-ins, and the sample passwords of this repository's docs
# (`smtp://user:pass@`, `rediss://:pw@`).
_SAMPLE_VALUES = frozenset(
    {"secret", "password", "passwd", "pass", "pw", "changeit", "test", "dummy", "default"}
)
_UNFILLED_TEMPLATE = re.compile(r"\$\{|\{\{|^<.*>$", re.S)


def is_placeholder(value: str) -> bool:
    """Whether `value` is a stand-in for a secret rather than one."""
    if _UNFILLED_TEMPLATE.search(value.strip()):
        return True
    folded = re.sub(r"[^a-z0-9]", "", value.lower())
    return folded in _SAMPLE_VALUES or any(m in folded for m in _PLACEHOLDER_MARKERS)


def _too_uniform(secret: str, min_distinct: int) -> str | None:
    if secret in (secret + secret)[1:-1]:
        return "must not be a repeated pattern"
    if len(set(secret)) < min_distinct:
        return f"must use at least {min_distinct} distinct characters"
    return None


def secret_weakness(secret: str) -> str | None:
    """Why `secret` is too weak to sign tokens (or derive object names) with, or None.

    Its entropy is estimated from itself: the Shannon entropy of its characters times its
    length (an upper bound for a human-made string, about right for a random one). A
    repeated unit (`changeme` x 4), few distinct characters or under 128 bits is refused;
    `secrets.token_urlsafe(32)` or `openssl rand -base64 32` pass with room to spare."""
    if len(secret.encode()) < SECRET_MIN_BYTES:
        return f"must be at least {SECRET_MIN_BYTES} bytes"
    uniform = _too_uniform(secret, SECRET_MIN_DISTINCT)
    if uniform is not None:
        return uniform
    counts = Counter(secret)
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < SECRET_MIN_BITS:
        return f"has about {bits:.0f} bits of entropy, at least {SECRET_MIN_BITS} needed"
    return None


def issued_secret_weakness(secret: str) -> str | None:
    """Why a secret someone else issued (an API key, a password) cannot be a real one."""
    return _too_uniform(secret, ISSUED_MIN_DISTINCT)


def url_password(url: str) -> str | None:
    """The password in a URL's user information (percent-decoded), or None."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return unquote(password) if password else None


def _problem(value: str, weakness: Callable[[str], str | None]) -> str | None:
    if is_placeholder(value):
        return "is a placeholder or a sample value from the docs"
    return weakness(value)


def weak_secrets(settings: object) -> list[tuple[str, str]]:
    """(field, reason) for each secret among `settings`' fields that production refuses."""
    problems: list[tuple[str, str]] = []
    for field in (*GENERATED_KEYS, *ISSUED_SECRETS):
        value = getattr(settings, field)
        if value:
            weakness = secret_weakness if field in GENERATED_KEYS else issued_secret_weakness
            reason = _problem(value, weakness)
            if reason is not None:
                problems.append((field, reason))
    for field in CREDENTIAL_URLS:
        value = getattr(settings, field)
        for url in value if isinstance(value, tuple) else (value,):
            password = url_password(url) if url else None
            reason = _problem(password, issued_secret_weakness) if password else None
            if reason is not None:
                problems.append((field, f"has a password that {reason}"))
                break
    return problems
