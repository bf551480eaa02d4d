"""Text helpers for ingredient lines: fractions, accents, tokens, singular forms."""

from __future__ import annotations

import html
import re
import unicodedata

from domain.singular import singular

VULGAR_FRACTIONS: dict[str, str] = {
    "½": "1/2",
    "⅓": "1/3",
    "⅔": "2/3",
    "¼": "1/4",
    "¾": "3/4",
    "⅕": "1/5",
    "⅖": "2/5",
    "⅗": "3/5",
    "⅘": "4/5",
    "⅙": "1/6",
    "⅚": "5/6",
    "⅛": "1/8",
    "⅜": "3/8",
    "⅝": "5/8",
    "⅞": "7/8",
}

_FRACTION_RE = re.compile("[" + "".join(VULGAR_FRACTIONS) + "]")
_TOKEN_RE = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Lower case, vulgar fractions spelled out, accents removed (crème -> creme)."""
    text = html.unescape(text) if "&" in text else text
    if text.isascii():
        return text.lower()
    text = _FRACTION_RE.sub(lambda m: " " + VULGAR_FRACTIONS[m.group(0)] + " ", text)
    text = text.replace("\u2044", "/").replace("\u2013", "-").replace("\u2014", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """Singular word tokens of already folded text (hyphens and punctuation split words)."""
    return [singular(t) for t in _TOKEN_RE.findall(text)]


_REF_RE = re.compile(
    r"<ref\b[^>]*/>|<ref\b[^>]*>.*?</ref\s*>|<ref\b[^>]*>.*$", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_LINK_RE = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_EXTERNAL_LINK_RE = re.compile(r"\[https?://\S+\s+([^\]]*)\]")
_TEMPLATE_RE = re.compile(r"\{\{[^{}]*\}\}")
_QUOTES_RE = re.compile(r"'{2,}")
_SPACES_RE = re.compile(r"[ \t\u00a0]+")


def _link_label(match: re.Match[str]) -> str:
    # [[Cookbook:Egg|eggs]] shows "eggs"; [[Cookbook:Egg]] shows the page name, "Egg".
    return match.group(2) if match.group(2) is not None else match.group(1).rpartition(":")[2]


def strip_markup(text: str) -> str:
    """Wiki and HTML markup out of a source line: `[[page|label]]` -> label, templates,
    footnotes (`<ref>...</ref>`), tags and bold/italic quotes removed, entities decoded."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG_RE.sub("", _REF_RE.sub("", text))
    if "[" in text:
        text = _EXTERNAL_LINK_RE.sub(r"\1", _LINK_RE.sub(_link_label, text))
    if "{{" in text:
        previous = None
        while previous != text:  # nested templates, innermost first
            previous, text = text, _TEMPLATE_RE.sub("", text)
    if "''" in text:
        text = _QUOTES_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()
