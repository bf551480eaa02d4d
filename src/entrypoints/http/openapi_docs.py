"""Helpers that document the contract's error answers in the OpenAPI schema."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from entrypoints.http.errors import ErrorEnvelope

_DESCRIPTIONS = {
    400: "Validation failed (PSI-VAL-1001, details.errors lists {field, message})",
    401: "Missing, malformed, expired or revoked token (PSI-AUTH-1001/1003/1004)",
    403: "Tier, role or consent does not allow it (PSI-AUTH-1007, PSI-PRIV-6001/6002)",
    404: "Not found, or belongs to another user (PSI-RES-3004)",
    409: "Conflict (PSI-AUTH-1005: email already registered)",
    413: "Request or upload too large (PSI-FOOD-2002, PSI-VAL-1013)",
    415: "Upload is not a decodable JPEG or PNG (PSI-FOOD-2001)",
    422: "Image decodes but is unusable (PSI-FOOD-2005), or a food name matches no USDA "
    "food with reasonable confidence (PSI-FOOD-2006, details.suggestions)",
    429: "Rate limit or daily quota exceeded (PSI-RATE-4001/4002); Retry-After is set",
    503: "A dependency is unavailable (PSI-SYS-5003, details.retryable: true)",
}


def errors(*statuses: int, rate_limited: bool = True) -> dict[int, ResponseSpec]:
    """Error responses for a route; 400, 500 and 503 are possible everywhere, 429 wherever
    admission counts requests (`admission.rate_limited_path`)."""
    codes = sorted({400, 503, *statuses} | ({429} if rate_limited else set()))
    spec = {
        code: ResponseSpec(
            data_container=ErrorEnvelope, description=_DESCRIPTIONS[code], generate_examples=False
        )
        for code in codes
    }
    spec[500] = ResponseSpec(
        data_container=ErrorEnvelope,
        generate_examples=False,
        description="Unexpected error (PSI-SYS-5000); never a stack trace",
    )
    return spec
