"""JSON bodies are held to their schema's types exactly.

Litestar converts a handler's `data` leniently (`msgspec.convert(..., strict=False)`, which
query strings need): `0` passes as `false` and as a timestamp of 1970, `"1"` as a number.
The OpenAPI document promises a boolean and an RFC 3339 date-time, so a body that breaks
the promise is refused (400) before Litestar's conversion sees it. A whole number written
as `5.0` stays an integer, as JSON Schema counts it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar.exceptions import ValidationException
from litestar.handlers import BaseRouteHandler


@cache
def _body_type(handler: BaseRouteHandler) -> Any:
    data = handler.parsed_fn_signature.parameters.get("data")
    annotation = None if data is None else data.annotation
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return annotation
    return None


def check_strict(handler: BaseRouteHandler, decoded: Any) -> None:
    """A 400 (Litestar's ValidationException, shaped as every validation error is) when
    `decoded` is not of the handler's body type without lenient coercion."""
    body_type = _body_type(handler)
    if body_type is None:
        return
    try:
        msgspec.convert(decoded, type=body_type, strict=True)
    except msgspec.ValidationError:
        try:  # the rare path: `5.0` is an integer to JSON Schema, and so to the server
            msgspec.convert(_integral_floats_as_ints(decoded), type=body_type, strict=True)
        except msgspec.ValidationError as exc:
            raise ValidationException(
                detail="Validation failed", extra=[{"message": str(exc), "key": "data"}]
            ) from None


def _integral_floats_as_ints(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    return value
