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
    note_error(exc.code, exc.details.get("dependency")
               if isinstance(exc, DependencyUnavailable) else None)
    """The contract's error envelope for a failure; every error answer is built here."""
    details = dict(exc.details)
    details.setdefault("retryable", exc.status in (429, 503))
    return ErrorEnvelope(
        error=ErrorBody(code=exc.code, message=exc.message, user_message=exc.user_message,
                        type=type(exc).__name__, details=details),
        meta=meta())


def error_response(exc: PsiError) -> Response:
    body = envelope_of(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited | DailyQuotaExceeded):
        headers["Retry-After"] = str(exc.retry_after_s)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="psi"'
    return Response(content=body, status_code=exc.status, headers=headers,
                    media_type="application/json")


def _psi(_: Request, exc: PsiError) -> Response:
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


# Connection-level failures by client library, matched on the class and its bases (so a
# driver's private subclass, e.g. pymongo's `_OperationCancelled`, is still a connection
# failure) without importing every driver here.
_DRIVER_FAILURES: dict[str, tuple[str, frozenset[str]]] = {
    "redis": ("redis", frozenset({"ConnectionError", "TimeoutError", "BusyLoadingError",
                                  "ReadOnlyError"})),
    "pymongo": ("mongodb", frozenset({"ConnectionFailure", "ExecutionTimeout",
                                      "WTimeoutError"})),
    "sqlalchemy": ("database", frozenset({"OperationalError", "InterfaceError",
                                          "DisconnectionError", "TimeoutError"})),
    "asyncpg": ("database", frozenset({"ConnectionDoesNotExistError",
                                       "ConnectionFailureError", "ConnectionRejectionError",
                                       "CannotConnectNowError", "TooManyConnectionsError",
                                       "InterfaceError", "QueryCanceledError"})),
}
_DRIVER_MODULES = {library: store for library, (store, _) in _DRIVER_FAILURES.items()}


def _library(module: str) -> str:
    return module.partition(".")[0]


def _origin(exc: BaseException) -> str | None:
    """The store whose client raised `exc`: the innermost frame of a known driver."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        store = _DRIVER_MODULES.get(_library(tb.tb_frame.f_globals.get("__name__", "")))
        found = store or found
        tb = tb.tb_next
    return found


def _unavailable_dependency(exc: BaseException) -> str | None:
    """Name the store behind a connection-level failure, or None if it is not one."""
    if isinstance(exc, BaseExceptionGroup):
        names = [_unavailable_dependency(e) for e in exc.exceptions]
        return names[0] if names and all(names) else None
    for cls in type(exc).__mro__:
        store, names = _DRIVER_FAILURES.get(_library(cls.__module__), (None, frozenset()))
        if store is not None and cls.__name__ in names:
            return store
    if _library(type(exc).__module__) == "pymongo" and getattr(exc, "timeout", False) is True:
        return "mongodb"
    if _library(type(exc).__module__) == "sqlalchemy" and getattr(
            exc, "connection_invalidated", False):
        return "database"
    # SQLAlchemy's DBAPIError wraps the driver's error (`orig`, whose cause is asyncpg's
    # own class): a statement cancelled by `statement_timeout` is QueryCanceledError.
    orig = getattr(exc, "orig", None)
    if _library(type(exc).__module__) == "sqlalchemy" and isinstance(orig, BaseException):
        inner = orig.__cause__ if isinstance(orig.__cause__, BaseException) else orig
        if inner is not exc and _unavailable_dependency(inner) is not None:
            return "database"
    # A driver that lets the socket's own error through (asyncpg connecting: refused,
    # timed out, unreachable): the traceback says whose socket it was.
    if isinstance(exc, ConnectionError | TimeoutError):
        return _origin(exc) or "dependency"
    if isinstance(exc, OSError):
        return _origin(exc)
    return None


def _unexpected(request: Request, exc: Exception) -> Response:
    dependency = _unavailable_dependency(exc)
    if dependency is not None:
        log.warning("dependency_unavailable", dependency=dependency,
                    error_type=type(exc).__name__, path=request.url.path)
        return error_response(DependencyUnavailable(dependency))
    # Type and location only: exception messages can carry personal data.
    log.error("unhandled_exception", error_type=type(exc).__name__, path=request.url.path,
              method=request.method, exc_info=exc)
    return error_response(PsiError())


EXCEPTION_HANDLERS = {
    PsiError: _psi,
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _unexpected,
}
