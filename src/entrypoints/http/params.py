from __future__ import annotations

from uuid import UUID

from domain.errors import ValidationFailed


def parse_uuid(value: str, field: str) -> UUID:
    """Path ids are validated by the handler so a malformed one is a 400, not a 404."""
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed.single(field, "must be a UUID") from None
