from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.identity.model import (
    Tier,
    check_password_policy,
    clean_name,
    normalize_email,
    password_problems,
    tier_allows,
)


@given(st.text(max_size=200))
def test_password_policy_matches_the_contract(pw):
    ok = (
        8 <= len(pw) <= 128
        and any(c.isupper() for c in pw)
        and any(c.islower() for c in pw)
        and any(c.isdigit() for c in pw)
    )
    assert (password_problems(pw) == []) is ok


def test_policy_error_names_the_field():
    with pytest.raises(ValidationFailed) as err:
        check_password_policy("short")
    assert err.value.details["errors"][0]["field"] == "password"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<b>Ann</b>", "Ann"),
        ("  A   B ", "A B"),
        ("&lt;script&gt;x&lt;/script&gt;Ann", "xAnn"),
        ("Zoë", "Zoë"),
        ("Tom & Jerry", "Tom & Jerry"),
    ],
)
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


@given(st.text(max_size=300))
def test_clean_name_never_returns_markup_or_bad_lengths(raw):
    try:
        name = clean_name(raw)
    except ValidationFailed:
        return
    assert "<" not in name or ">" not in name[name.index("<") :]
    assert 1 <= len(name) <= 255 and name == name.strip()


@pytest.mark.parametrize("bad", ["", "no-at", "a@b", "a b@c.de", "a@@b.co", "x" * 250 + "@e.co"])
def test_invalid_emails(bad):
    with pytest.raises(ValidationFailed):
        normalize_email(bad)


def test_email_is_lower_cased_and_trimmed():
    assert normalize_email("  Foo.Bar@Example.ORG ") == "foo.bar@example.org"


def test_tiers_are_ordered():
    assert tier_allows(Tier.ADMIN, Tier.PREMIUM) and tier_allows(Tier.PREMIUM, Tier.FREE)
    assert not tier_allows(Tier.FREE, Tier.PREMIUM) and not tier_allows(Tier.PREMIUM, Tier.ADMIN)
