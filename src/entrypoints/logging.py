"""structlog JSON logs. Events carry ids, paths, statuses and durations; never passwords,
tokens or health data (callers pass only such fields)."""

from __future__ import annotations

import hashlib
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import TextIO

import msgspec
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from application.context import request_id_var

# msgspec renders an event several times faster than the standard library's json; what
# it cannot encode natively is written as its str().
_ENCODER = msgspec.json.Encoder(enc_hook=str)


def _dumps(event: dict, **_: object) -> str:
    return _ENCODER.encode(event).decode()


class _AccessLine(msgspec.Struct):
    """The access line, field for field (and in order) as structlog renders an event."""

    method: str
    path: str
    status: int
    duration_ms: float
    request_id: str
    event: str
    level: str
    timestamp: datetime


class _AccessLog:
    """One line per request. In JSON it skips structlog's processor chain (a third of a
    request's logging cost on the hot path) and writes what the chain would have written;
    in the console format it goes through structlog like every other event."""

    def __init__(self) -> None:
        self.enabled = True
        self.out: TextIO | None = None  # None: through structlog
        self._structlog = structlog.get_logger("psi.access")

    def __call__(
        self, method: str, path: str, status: int, duration_ms: float, request_id: str
    ) -> None:
        if not self.enabled:
            return
        if self.out is None:
            self._structlog.info(
                "request",
                method=method,
                path=path,
                status=status,
                duration_ms=duration_ms,
                request_id=request_id,
            )
            return
        line = _ENCODER.encode(
            _AccessLine(
                method, path, status, duration_ms, request_id, "request", "info", datetime.now(UTC)
            )
        )
        self.out.write(line.decode() + "\n")
        self.out.flush()


log_access = _AccessLog()


def exception_fields(exc: BaseException) -> dict[str, object]:
    """What a log line may say about an exception: its type, the types of the exceptions
    behind it, its code path (module:function:line, no locals, no source text) and a
    fingerprint of type and path that stays the same across line shifts. Never the
    message: a driver's message quotes SQL parameters, a decoder's quotes the input."""
    frames = [
        f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}:{line}"
        for frame, line in traceback.walk_tb(exc.__traceback__)
    ][-MAX_FRAMES:]
    causes: list[str] = []
    seen: set[int] = {id(exc)}
    inner = exc.__cause__ or exc.__context__
    while inner is not None and id(inner) not in seen and len(causes) < MAX_FRAMES:
        seen.add(id(inner))
        causes.append(_type_name(inner))
        inner = inner.__cause__ or inner.__context__
    path = "|".join(frame.rpartition(":")[0] for frame in frames)
    fields: dict[str, object] = {
        "error_type": _type_name(exc),
        "error_frames": frames,
        "error_fingerprint": hashlib.sha256(f"{_type_name(exc)}|{path}".encode()).hexdigest()[:16],
    }
    if causes:
        fields["error_causes"] = causes
    return fields


MAX_FRAMES = 30


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    return (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )


def _safe_exception(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """Replace `exc_info` (ours or a library's) by `exception_fields`; drop stack info.
    A library's message that came with an exception keeps its first line only (asyncio
    puts the failed task's repr, message included, on the lines after it)."""
    exc_info = event.pop("exc_info", None)
    event.pop("stack_info", None)
    event.pop("exception", None)
    if exc_info is None or exc_info is False:
        return event
    exc: BaseException | None
    if isinstance(exc_info, BaseException):
        exc = exc_info
    elif isinstance(exc_info, tuple):
        exc = exc_info[1]
    else:
        exc = sys.exc_info()[1]
    if exc is not None:
        event.update(exception_fields(exc))
    if event.get("_record") is not None and isinstance(event.get("event"), str):
        event["event"] = event["event"].partition("\n")[0]
    return event


def _request_id(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """The request (or job) being served, from the context variable the edge sets."""
    if "request_id" not in event and (rid := request_id_var.get()) is not None:
        event["request_id"] = rid
    return event


def _library_fields(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    """A standard-library record: its logger's name; its message as the event."""
    record = event.get("_record")
    if record is not None:
        event.setdefault("logger", record.name)
    return event


class _PsiHandler(logging.StreamHandler):
    """Marks the one root handler `configure_logging` installs (replaced on each call)."""


# Libraries whose own handlers or levels would bypass the pipeline or flood it.
_LIBRARY_LEVELS = {
    "uvicorn": None,
    "uvicorn.error": None,
    "taskiq": None,
    "alembic": None,
    "litestar": None,
    "asyncio": None,
    "sqlalchemy.engine": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
}


def configure_logging(level: str = "INFO", json: bool = True, stream: TextIO | None = None) -> None:
    """One pipeline for every process (API, worker, jobs, CLI): structlog events and
    standard-library records (uvicorn, taskiq, alembic, asyncio, our modules' `logging`
    loggers) leave as one JSON object a line, with level, timestamp, the request id in
    scope, and exceptions as `exception_fields` only. Calling it again reconfigures."""
    out = stream or sys.stdout
    threshold = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    log_access.enabled = threshold <= logging.INFO
    log_access.out = out if json else None
    renderer: Processor = (
        structlog.processors.JSONRenderer(serializer=_dumps)
        if json
        else structlog.dev.ConsoleRenderer()
    )
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        _request_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _safe_exception,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.WriteLoggerFactory(file=out),
        cache_logger_on_first_use=True,
    )
    handler = _PsiHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[_library_fields, *shared],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
    for name, floor in _LIBRARY_LEVELS.items():
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
        library.setLevel(max(threshold, floor) if floor is not None else logging.NOTSET)
    # Our access line (`log_access`) is the one per request. uvicorn writes its own whenever
    # its access logger has a handler, however `access_log` was set: one that reaches none
    # keeps it from formatting a second line (with the client address and the query
    # string) for every request.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    uvicorn_access.disabled = True
    logging.captureWarnings(True)


def announce(event: str, **fields: object) -> None:
    """A lifecycle line a supervisor waits for (`psi worker ready`), written whatever the
    level, in the same shape as every other line."""
    line = {
        **fields,
        "event": event,
        "level": "info",
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
    }
    out = log_access.out or sys.stdout
    out.write(_dumps(line) + "\n")
    out.flush()
