"""The one place where failures become the contract's error envelope."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.types import ExceptionHandlersMap

from domain.errors import (
    DailyQuotaExceeded,
    DependencyUnavailable,
    FieldError,
    Forbidden,
    InvalidToken,
    MethodNotAllowed,
    NotFound,
    PsiError,
    RateLimited,
    RequestTooLarge,
    ValidationFailed,
)
from entrypoints.http.envelopes import meta
from entrypoints.logging import exception_fields
from entrypoints.metrics import note_error

log = structlog.get_logger("psi.errors")


class ErrorBody(msgspec.Struct, frozen=True):
    code: str
    message: str
    user_message: str
    type: str
    details: dict[str, Any]


class ErrorEnvelope(msgspec.Struct, frozen=True):
    error: ErrorBody
    meta: Any


def envelope_of(exc: PsiError) -> ErrorEnvelope:
    note_error(
        exc.code, exc.details.get("dependency") if isinstance(exc, DependencyUnavailable) else None
    )
    """The contract's error envelope for a failure; every error answer is built here."""
    details = dict(exc.details)
    details.setdefault("retryable", exc.status in (429, 503))
    return ErrorEnvelope(
        error=ErrorBody(
            code=exc.code,
            message=exc.message,
            user_message=exc.user_message,
            type=type(exc).__name__,
            details=details,
        ),
        meta=meta(),
    )


def error_response(exc: PsiError) -> Response:
    body = envelope_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited | DailyQuotaExceeded):
        headers["Retry-After"] = str(exc.retry_after_s)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="psi"'
    return Response(
        content=body, status_code=exc.status, headers=headers, media_type="application/json"
    )


def _psi(request: Request, exc: PsiError) -> Response:
    if isinstance(exc, DependencyUnavailable):
        log.warning(
            "dependency_unavailable",
            dependency=exc.details.get("dependency"),
            path=request.url.path,
            **exception_fields(exc),
        )
    return error_response(exc)


_PATH = re.compile(r"at `\$(?P<path>[^`]*)`")
_UNKNOWN = re.compile(r"unknown field `(?P<field>[^`]+)`")
_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")


def _field_from_message(message: str, key: str | None) -> str:
    path = key or ""
    if m := _PATH.search(message):
        path = m.group("path").lstrip(".")
    for pattern in (_UNKNOWN, _MISSING):
        if m := pattern.search(message):
            return f"{path}.{m.group('field')}" if path else m.group("field")
    return path or "body"


def _clean(message: str) -> str:
    return _PATH.sub("", message).replace("Object contains", "contains").strip(" -")


def _validation(_: Request, exc: ValidationException) -> Response:
    errors: list[FieldError] = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", "is invalid"))
            key = item.get("key")
            field = _field_from_message(message, key if key not in (None, "", "data") else None)
            errors.append(FieldError(field, _clean(message)))
    if not errors:
        detail = str(exc.detail or "")
        errors.append(FieldError(_field_from_message(detail, None), _clean(detail) or "invalid"))
    return error_response(ValidationFailed(errors))


def _http(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    mapped: PsiError
    if isinstance(exc, NotFoundException) or status == 404:
        mapped = NotFound()
    elif isinstance(exc, MethodNotAllowedException) or status == 405:
        mapped = MethodNotAllowed()
    elif isinstance(exc, NotAuthorizedException) or status == 401:
        mapped = InvalidToken()
    elif isinstance(exc, PermissionDeniedException) or status == 403:
        mapped = Forbidden()
    elif status == 413:
        mapped = RequestTooLarge()
    elif status == 429:
        mapped = RateLimited(int((exc.headers or {}).get("Retry-After", "1")))
    elif status == 400 or 400 <= status < 500:
        mapped = ValidationFailed([FieldError("request", str(exc.detail or "invalid request"))])
    elif status == 503:
        mapped = DependencyUnavailable("service")
    else:
        mapped = PsiError()
    response = error_response(mapped)
    allow = {k.lower(): v for k, v in (exc.headers or {}).items()}.get("allow")
    if status == 405 and allow:
        response.headers["Allow"] = allow  # RFC 9110: a 405 names the methods that work
    return response


def _unexpected(request: Request, exc: Exception) -> Response:
    # A store's unavailability arrives here already translated by its adapter
    # (DependencyUnavailable, adapters/failures.py); what is left is a bug. Logged by
    # type, code path and fingerprint only: messages can carry personal data.
    if isinstance(exc, ExceptionGroup):  # concurrent calls that all failed cleanly
        failures, rest = exc.split(PsiError)
        if failures is not None and rest is None:
            first: BaseException = failures
            while isinstance(first, BaseExceptionGroup):
                first = first.exceptions[0]
            if isinstance(first, PsiError):
                return _psi(request, first)
    log.error(
        "unhandled_exception", path=request.url.path, method=request.method, **exception_fields(exc)
    )
    return error_response(PsiError())


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    PsiError: _psi,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}
