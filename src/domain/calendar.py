"""The dates a request may name. Python's dates end at year 9999 and begin at year 1: a
range that starts or ends there cannot take a day or an offset away without overflowing
(an OverflowError, a 500). Nothing of a person's history lies outside these years."""

from __future__ import annotations

from datetime import date, datetime

from domain.errors import FieldError

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def out_of_range(**values: date | datetime | None) -> list[FieldError]:
    """One error per value (by its field name) outside EARLIEST..LATEST."""
    errors = []
    for name, value in values.items():
        if value is None:
            continue
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            errors.append(
                FieldError(name, f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
            )
    return errors
