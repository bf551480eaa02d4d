"""Plain text and one spelling per address (domain; issue 19)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.identity.model import clean_name, normalize_email
from domain.text import plain_text

SAME = [
    "alice@example.com",
    "Alice@EXAMPLE.com",
    "ａｌｉｃｅ@ｅｘａｍｐｌｅ.ｃｏｍ",
    "ali\u200bce@example.com",
    "al\u00adice@example.com",
    "alice\ufeff@example.com",
    "a\u2060lice@example.com",
    "alice\ufe0f@example.com",
    " alice@example.com ",
]


@pytest.mark.parametrize("spelling", SAME)
def test_look_alike_spellings_are_one_address(spelling):
    assert normalize_email(spelling) == "alice@example.com"


def test_composed_and_decomposed_accents_are_one_address():
    assert normalize_email("jos\u00e9@example.com") == normalize_email("jose\u0301@example.com")


@pytest.mark.parametrize(
    "email",
    [
        "\u0430lice@example.com",  # Cyrillic а in a Latin word
        "alice@ex\u0430mple.com",
        "p\u0430yp\u0430l@example.com",
        "\u03bfscar@example.com",
    ],
)  # Greek ο
def test_mixed_script_look_alikes_are_refused(email):
    with pytest.raises(ValidationFailed):
        normalize_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "ivan@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
        "\u5c71\u7530\u305f\u308d\u3046@example.jp",
        "m\u00fcller@example.de",
    ],
)
def test_single_script_addresses_are_accepted(email):
    assert normalize_email(email)


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(text):
    try:
        once = normalize_email(text + "@example.com")
    except ValidationFailed:
        return
    assert normalize_email(once) == once


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("<b>Great</b> with <i>lemon</i>", "Great with lemon"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;tasty", "alert(1)tasty"),
        ("Fish &amp; chips", "Fish & chips"),
        ("I <3 pasta", "I <3 pasta"),
        ("<img src=x onerror=alert(1)>", ""),
    ],
)
def test_markup_is_stripped(raw, clean):
    assert plain_text("comment", raw) == clean


def test_line_breaks_are_kept_where_text_has_lines():
    assert (
        plain_text("note", "  slept badly\r\n\r\n\r\n<b>tired</b>  today ", multiline=True)
        == "slept badly\n\ntired today"
    )


@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31mred", "x\x7f", "x\x85", "\x08"])
def test_control_characters_are_refused(bad):
    with pytest.raises(ValidationFailed):
        plain_text("note", bad, multiline=True)
    with pytest.raises(ValidationFailed):
        clean_name(bad)
