"""structlog JSON logs. Events carry ids, paths, statuses and durations; never passwords,
tokens or health data (callers pass only such fields)."""

from __future__ import annotations

import logging
import sys

import msgspec
import structlog

# msgspec renders an event several times faster than the standard library's json (one
# access line per request); what it cannot encode natively is written as its str().
_ENCODER = msgspec.json.Encoder(enc_hook=str)


def _dumps(event: dict, **_: object) -> str:
    return _ENCODER.encode(event).decode()


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        (structlog.processors.JSONRenderer(serializer=_dumps) if json
         else structlog.dev.ConsoleRenderer()),
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)),
        logger_factory=structlog.WriteLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
