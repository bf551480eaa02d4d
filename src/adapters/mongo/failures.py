"""When MongoDB cannot serve: no server selected in time, a connection lost or timed out
(`ConnectionFailure` and its kinds), an operation over its time limit, a write concern
not met in time, a primary stepping down or shutting down (the server labels those
retryable). Duplicate keys, bad documents and bad queries pass through."""

from __future__ import annotations

from pymongo import errors as m

from adapters.failures import Dependency, socket_failure

_UNAVAILABLE = (m.ConnectionFailure, m.ExecutionTimeout, m.WTimeoutError, m.WaitQueueTimeoutError)
_RETRYABLE_LABELS = (
    "RetryableWriteError",
    "TransientTransactionError",
    "ResumableChangeStreamError",
)


def mongo_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, _UNAVAILABLE) or socket_failure(exc):
        return True
    if isinstance(exc, m.PyMongoError):
        return bool(getattr(exc, "timeout", False)) or any(
            exc.has_error_label(label) for label in _RETRYABLE_LABELS
        )
    return False


MONGODB = Dependency("mongodb", mongo_unavailable)
