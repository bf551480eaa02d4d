"""Bounded JSON request bodies: nesting depth is checked before the body is decoded.

The size of a body is bounded per route (`request_max_body_size`, 1 MiB by default), the
length of every list and string by the request structs (`msgspec.Meta(max_length=...)`,
checked for every struct by tests/api/test_request_limits.py). What neither bounds is
nesting: the decoder recurses once per level, so a body of a million `[` would be a
RecursionError (a 500) after a deep recursion. `json_too_deep` answers in a few C-speed
passes over the bytes (string contents removed, only brackets kept, the level as their
running sum), so a hostile body costs milliseconds and is answered 400 before it is
decoded; an ordinary body pays a fraction of its decoding time.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from litestar import Request
from litestar.types import Empty

from domain.errors import ValidationFailed
from entrypoints.http.strict_body import check_strict

MAX_JSON_DEPTH = 32

_FOLD = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_SLICE = 1 << 18
_OPEN = ord("[")


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays/objects in `body` nest deeper than `limit` levels.

    Malformed JSON is left to the decoder, except that more than `limit` unclosed
    brackets count as too deep (it is a 400 either way)."""
    if body.count(b"[") + body.count(b"{") <= limit:  # the common case: nothing to scan
        return False
    brackets = _outside_strings(body)
    if b"[" * (limit + 1) in brackets:  # the usual hostile body: a run of openers
        return True
    level = 0  # the nesting level is the running sum of +1 per `[`, -1 per `]`
    for start in range(0, len(brackets), _SLICE):
        chunk = np.frombuffer(brackets, np.uint8, min(_SLICE, len(brackets) - start), start)
        levels = np.cumsum(np.where(chunk == _OPEN, 1, -1)) + level
        if int(levels.max()) > limit:
            return True
        level = int(levels[-1])
    return False


def _outside_strings(body: bytes) -> bytes:
    """The brackets of `body` that are not inside a string, `{}` folded into `[]`.

    Escaped backslashes, then escaped quotes, go first (left to right, as a JSON reader
    pairs them), then everything but brackets and quotes, then adjacent quote pairs (a
    string without brackets, or the seam between two strings: either way the parity of
    every other quote is kept). What is left between two quotes is a string's brackets.
    Each step is a C-speed pass; the split runs in slices so a body of quotes stays small.
    """
    structure = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = structure.translate(_FOLD, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' not in structure:
        return structure
    kept, inside = [], False
    for start in range(0, len(structure), _SLICE):
        parts = structure[start : start + _SLICE].split(b'"')
        kept.append(b"".join(parts[1 if inside else 0 :: 2]))
        inside ^= len(parts) % 2 == 0  # an odd number of quotes in the slice
    return b"".join(kept)


# A control character in a JSON string: escaped (`\u0000`, `\b`, `\f`; tab, newline and
# carriage return are text) or a raw DEL or C1 control (raw C0 is invalid JSON already).
_CONTROL_ESCAPE = re.compile(
    rb"\\(?:u000[0-8bBcCeEfF]|u001[0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|[bf])"
    rb"|\x7f|\xc2[\x80-\x9f]"
)


def json_has_control_characters(body: bytes) -> bool:
    """True when a string in `body` holds a control character other than tab, newline
    and carriage return. Escaped backslashes go first, so `\\u0000` (a backslash, then
    the text `u0000`) is not mistaken for an escape."""
    if b"\\" not in body and b"\xc2" not in body and b"\x7f" not in body:
        return False
    return _CONTROL_ESCAPE.search(body.replace(b"\\\\", b"")) is not None


class BoundedJsonRequest(Request):
    """The app's request class: `json()` refuses bodies nested too deeply and text with
    control characters in any field (400), before decoding, and values that fit the body's
    schema only by lenient coercion (strict_body.py), after."""

    async def json(self) -> Any:
        first = self._json is Empty and self._connection_state.json is Empty
        if first:
            body = await self.body()
            if json_too_deep(body):
                raise ValidationFailed.single(
                    "body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
                )
            if json_has_control_characters(body):
                raise ValidationFailed.single(
                    "body", "text must not contain NUL or other control characters"
                )
        decoded = await super().json()
        if first:
            check_strict(self.route_handler, decoded)
        return decoded
