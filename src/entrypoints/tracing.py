"""OpenTelemetry traces, configured by the standard `OTEL_*` variables: on when an OTLP
endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._TRACES_ENDPOINT`), off otherwise.

What is traced once on: HTTP server spans named by route template, SQL (asyncpg on
Postgres; the SQLAlchemy engine on SQLite), Redis commands through redis-py (arguments
replaced by `?`), MongoDB commands (no statement bodies), outgoing HTTP through httpx
(Claude, FoodData Central), and the food-analysis job, a child of the upload's trace
through the queue message. The per-request Redis lane (`adapters/redis/lane.py`) speaks
RESP itself and is not traced. No span carries bodies, SQL parameters or headers.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from entrypoints.settings import Settings

log = logging.getLogger("psi.tracing")

_installed: list[Any] = []


def configure_tracing(
    settings: Settings, *, role: str, exporter: SpanExporter | None = None
) -> bool:
    """Install the tracer provider and the library instrumentations, once per process.

    `exporter` is for tests (the SDK's in-memory exporter); otherwise OTLP over HTTP with
    the `OTEL_*` variables. Returns whether tracing is on.
    """
    if _installed:
        return True
    if exporter is None and not settings.tracing:
        return False
    provider = TracerProvider(resource=Resource.create({"service.name": f"psi-{role}"}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _installed.extend(_instrument(provider))
    log.info("tracing on", extra={"role": role})
    return True


def _instrument(provider: TracerProvider) -> list[Any]:
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor

    done = []
    for instrumentor in (
        AsyncPGInstrumentor(),
        RedisInstrumentor(),
        PymongoInstrumentor(),
        HTTPXClientInstrumentor(),
    ):
        instrumentor.instrument(tracer_provider=provider)
        done.append(instrumentor)
    return done


def trace_sqlite_engine(engine: Any) -> None:
    """SQLite has no driver instrumentation: trace its SQLAlchemy engine instead."""
    if not _installed:
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().instrument(engine=engine, tracer_provider=trace.get_tracer_provider())


def stop_tracing() -> None:
    """Undo the instrumentations and flush (tests; process exit)."""
    while _installed:
        _installed.pop().uninstrument()
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush()


# The raw path and query can carry ids and what a person searched for: the route
# template replaces them wherever the instrumentation wrote them.
_TARGET_ATTRIBUTES = ("http.target", "url.path")
_URL_ATTRIBUTES = ("http.url", "url.full")
_DROPPED_ATTRIBUTES = ("url.query",)


def _redact_target(span: Any, route: str) -> None:
    attributes = getattr(span, "attributes", None) or {}
    for key in _TARGET_ATTRIBUTES:
        if key in attributes:
            span.set_attribute(key, route)
    for key in _URL_ATTRIBUTES:
        if key in attributes:
            span.set_attribute(key, route)
    for key in _DROPPED_ATTRIBUTES:
        if key in attributes:
            span.set_attribute(key, "")


def server_spans(app: ASGIApp) -> ASGIApp:
    """HTTP server spans (OpenTelemetry's ASGI middleware), renamed after routing to
    `METHOD /route/{template}` with `http.route` (never the raw path: it carries ids)."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    async def named(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        # Named when the response starts: routing is done, and the span (ended with the
        # response by the ASGI middleware) still takes a new name.
        span = trace.get_current_span()

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start" and span.is_recording():
                route = scope.get("path_template") or "unmatched"
                span.update_name(f"{cast('HTTPScope', scope)['method']} {route}")
                span.set_attribute("http.route", route)
                _redact_target(span, route)
            await send(message)

        await app(scope, receive, send_named)

    def details(scope: Scope) -> tuple[str, dict[str, str]]:
        return f"{scope.get('method', 'HTTP')}", {}

    # The middleware types the ASGI interface loosely (MutableMapping scopes): same protocol.
    return cast(
        "ASGIApp",
        OpenTelemetryMiddleware(
            named, default_span_details=details, exclude_spans=["receive", "send"]
        ),
    )
