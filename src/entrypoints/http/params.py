"""Path and query parameters whose rules the OpenAPI document states and the server enforces
alike (schemathesis checks both directions: tests/api/test_schemathesis.py)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.params import Parameter

from domain.errors import ValidationFailed

# A UUID as clients write it: 8-4-4-4-12 hex digits (Python's UUID() also takes braces, a
# `urn:uuid:` prefix or no hyphens; the document promises only this spelling).
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_UUID = re.compile(UUID_PATTERN)

# The pattern is stated here and checked by parse_uuid (a 400 named after the field).
IdParam = Annotated[
    str, Parameter(description="A UUID", schema_extra={"pattern": UUID_PATTERN, "format": "uuid"})
]


def parse_uuid(value: str, field: str) -> UUID:
    """Path ids are validated by the handler so a malformed one is a 400, not a 404."""
    if not _UUID.match(value):
        raise ValidationFailed.single(field, "must be a UUID")
    return UUID(value)


def documented(**constraints: Any) -> msgspec.Meta:
    """Constraints the domain checks itself (with its own field names and messages, e.g.
    `samples[3].heart_rate`), stated in the OpenAPI document only: the struct does not check
    them a second time. Litestar copies `extra_json_schema["extra"]` into the schema."""
    return msgspec.Meta(extra_json_schema={"extra": constraints})


def parse_datetime(value: str | None, field: str) -> datetime | None:
    """A query date-time as the document states it (ISO 8601 text). Litestar's lenient
    conversion would also read `0.5` as a Unix timestamp, which the document does not offer."""
    if value is None:
        return None
    try:
        return msgspec.convert(value, datetime, strict=True)
    except msgspec.ValidationError:
        raise ValidationFailed.single(field, "must be an ISO 8601 date-time") from None
