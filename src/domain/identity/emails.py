"""One account per address as people see it.

Unicode lets the same-looking address be written many ways: composed or decomposed
accents (NFC/NFD), full-width letters, invisible characters (zero-width space, joiners,
soft hyphen, variation selectors), letters of another script that look alike (Cyrillic
`а` in a Latin word). An address is normalised before it is stored or looked up:

- NFKC (compatibility forms folded: full-width, ligatures, mathematical letters);
- Unicode's default-ignorable code points removed (they render as nothing);
- lower-cased;
- refused (400) when one part (the local part, or a label of the domain) mixes scripts,
  other than the combinations a language writes (Han with kana, Han with Hangul). This
  is the "single script" level of UTS #39's restriction levels, by part.

Not refused: a part written wholly in another script that happens to look like a Latin
word (`сео` in Cyrillic letters). Refusing every non-Latin address would refuse real
people; such an address is a different account whose owner registered it, which
verification mail confirms.
"""

from __future__ import annotations

import unicodedata

# Default_Ignorable_Code_Point (Unicode 15, DerivedCoreProperties.txt).
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE = frozenset(
    cp for lo, hi in _IGNORABLE_RANGES if hi < 0xE0000 for cp in range(lo, hi + 1)
)
# Scripts a single language writes together (Japanese, Korean, Chinese with Bopomofo).
_TOGETHER = ({"CJK", "HIRAGANA", "KATAKANA"}, {"CJK", "HANGUL"}, {"CJK", "BOPOMOFO"})
_NOT_A_SCRIPT = {"MODIFIER"}


def _ignorable(ch: str) -> bool:
    cp = ord(ch)
    return cp in _IGNORABLE or 0xE0000 <= cp <= 0xE0FFF  # tags, variation selectors


def fold(raw: str) -> str:
    """NFKC, default-ignorables removed, lower-cased, trimmed."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch for ch in text if not _ignorable(ch))
    # Lower-casing can produce new compositions (e.g. with combining marks): once more.
    return unicodedata.normalize("NFKC", text.strip().lower())


def script_of(ch: str) -> str | None:
    """The script of a letter, from its Unicode name ("LATIN SMALL LETTER A" -> LATIN);
    None for what belongs to every script (digits, punctuation, marks)."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    return None if script in _NOT_A_SCRIPT else script


def mixes_scripts(part: str) -> bool:
    scripts = {s for s in map(script_of, part) if s is not None}
    if len(scripts) <= 1:
        return False
    return not any(scripts <= together for together in _TOGETHER)


def mixed_script_part(email: str) -> str | None:
    """The first part of `email` (local part, then each domain label) that mixes
    scripts; None when every part is written in one."""
    local, _, domain = email.rpartition("@")
    for part in (local, *domain.split(".")):
        if mixes_scripts(part):
            return part
    return None
