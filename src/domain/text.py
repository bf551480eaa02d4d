"""Text people type that is shown back to people (names, rating comments, tags, mood
notes) is stored as plain text: markup removed, control characters refused."""

from __future__ import annotations

import html
import re

from domain.errors import ValidationFailed

_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_SPACE = re.compile(r"[^\S\n]+")  # whitespace other than a line break
_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


def refuse_control_characters(field: str, text: str) -> None:
    """NUL and other control characters (tab, line feed and carriage return are text)."""
    if _CONTROL.search(text):
        raise ValidationFailed.single(field, "must not contain NUL or other control characters")


def strip_markup(text: str) -> str:
    """Tags removed, entities decoded; repeated, so `&lt;b&gt;` cannot smuggle a tag."""
    for _ in range(3):
        stripped = _TAG.sub("", html.unescape(text))
        if stripped == text:
            break
        text = stripped
    return _TAG.sub("", text).replace("<", "").replace(">", "") if _TAG.search(text) else text


def plain_text(field: str, raw: str, *, multiline: bool = False) -> str:
    """`raw` as plain text: control characters refused (400), markup stripped, spaces
    collapsed (line breaks kept, at most one blank line, where `multiline`), trimmed."""
    refuse_control_characters(field, raw)
    text = strip_markup(raw)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = "\n".join(_LINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
        return _BLANK_LINES.sub("\n\n", text).strip()
    return _SPACE.sub(" ", text).strip()
