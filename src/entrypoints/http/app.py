"""Litestar app factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from dishka import AsyncContainer
from litestar import Litestar, Router
from litestar._openapi.plugin import OpenAPIPlugin  # the plugin that caches the document
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp

from adapters.sql.database import Database
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.recent_writers import RecentWriters
from application.identity.admission import AdmitRequest
from application.ports.clock import Clock
from entrypoints.container import build_container
from entrypoints.gc_tuning import freeze_startup_heap
from entrypoints.http.admission import EdgeAdmission, admission_middleware
from entrypoints.http.edge import edge_middleware
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.json_limits import BoundedJsonRequest
from entrypoints.http.middleware import RequestObserver, request_context_middleware
from entrypoints.http.openapi_polish import OperationIds, polish
from entrypoints.http.options_allow import point_options_at_final_routes
from entrypoints.http.read_your_writes import WriterMarks
from entrypoints.http.routes import API_ROUTERS, ROOT_ROUTERS
from entrypoints.logging import configure_logging
from entrypoints.reference_data import advise_reference_data
from entrypoints.settings import Settings, load_settings
from entrypoints.startup import STARTUP_HOOKS
from entrypoints.tracing import configure_tracing, server_spans, trace_sqlite_engine

API_PREFIX = "/api/v1"
STATIC_DOCS = Path(__file__).parent / "static" / "docs"
_FAVICON = "<link rel='icon' type='image/png' href='/static/docs/favicon-32x32.png'>"


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Psi API",
        version="1.0.0",
        description=(
            "Psi connects what people eat with how they feel. Wellness information, "
            "not medical advice. All endpoints live under /api/v1 and answer in the "
            "contract's envelopes; every error uses the error envelope."
        ),
        path="/",
        servers=[Server(url="/")],
        operation_id_creator=OperationIds(),
        components=Components(
            security_schemes={
                "BearerAuth": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")
            }
        ),
        render_plugins=[
            JsonRenderPlugin(path=["/openapi.json", f"{API_PREFIX}/openapi.json"]),
            SwaggerRenderPlugin(
                path=["/docs", f"{API_PREFIX}/docs"],
                js_url="/static/docs/swagger-ui-bundle.js",
                css_url="/static/docs/swagger-ui.css",
                standalone_preset_js_url=("/static/docs/swagger-ui-standalone-preset.js"),
                favicon=_FAVICON,
            ),
            RedocRenderPlugin(
                path=["/redoc", f"{API_PREFIX}/redoc"],
                js_url="/static/docs/redoc.standalone.js",
                google_fonts=False,
                favicon=_FAVICON,
            ),
        ],
    )


def create_app(
    settings: Settings | None = None,
    *,
    container: AsyncContainer | None = None,
    clock: Clock | None = None,
) -> Litestar:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_json)
    # Before the container: the store clients it makes are instrumented as they are made.
    tracing = configure_tracing(settings, role="api")
    container = container or build_container(settings, clock=clock, http=True)
    writer_marks = WriterMarks()
    admission = EdgeAdmission(
        container, frozenset(settings.trusted_proxies), settings.rate_limit_enabled
    )

    async def on_startup(app: Litestar) -> None:
        if settings.migrate_on_start:
            await anyio.to_thread.run_sync(upgrade_to_head, settings.sql_url)
        if settings.rate_limit_enabled:
            admission.admit = await container.get(AdmitRequest)
        if settings.database_replica_urls:
            writer_marks.writers = await container.get(RecentWriters)
        if tracing:
            database = await container.get(Database)
            if database.is_sqlite:
                trace_sqlite_engine(database.engine.sync_engine)
        for hook in STARTUP_HOOKS:
            await hook(container, settings)
        await advise_reference_data(container, settings)
        freeze_startup_heap()

    async def on_shutdown(app: Litestar) -> None:
        await container.close()

    app = Litestar(
        route_handlers=[
            Router(path=API_PREFIX, route_handlers=API_ROUTERS),
            *ROOT_ROUTERS,
            create_static_files_router(
                path="/static/docs",
                directories=[STATIC_DOCS],
                include_in_schema=False,
                name="docs-static",
            ),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Prefer"],
            expose_headers=[
                "X-Request-ID",
                "Location",
                "Retry-After",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Content-Disposition",
            ],
            allow_credentials=False,
        )
        if settings.cors_origins
        else None,
        openapi_config=_openapi(),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        before_send=[writer_marks.before_send] if settings.database_replica_urls else [],
        request_max_body_size=1_048_576,
        request_class=BoundedJsonRequest,
        logging_config=None,  # one pipeline: entrypoints/logging.py owns the root logger
        debug=False,
    )
    app.state.settings = settings
    app.state.dishka_container = container
    point_options_at_final_routes(app)
    _serve_polished_openapi(app)
    observe = None
    if settings.metrics_port is not None:
        from entrypoints.http.metrics import observe_request

        observe = observe_request
    app.asgi_handler = _edge(app.asgi_handler, admission, observe, tracing=bool(tracing))
    return app


def _edge(
    handler: ASGIApp, admission: EdgeAdmission, observe: RequestObserver | None, *, tracing: bool
) -> ASGIApp:
    """The edge pipeline every request goes through before Litestar routes it, outermost
    first:

    1. `request_context_middleware` (middleware.py): the request id, the router's spelling
       of the path, the security headers, one access line (and metrics) per request;
       outermost, so 400/404/405/429/503 answers get them too.
    2. `edge_middleware` (edge.py): control characters are 400, every error answer is the
       JSON envelope, an unread body is drained before the answer.
    3. `server_spans` (tracing.py, when tracing is on): one span per request.
    4. `admission_middleware` (admission.py): the `RequestContext` (rate limit, token,
       revocation, prefetched account in one store round trip) and the request's
       container scope opened with it.
    """
    handler = admission_middleware(handler, admission)
    if tracing:
        handler = server_spans(handler)
    handler = edge_middleware(handler)
    return request_context_middleware(handler, observe)


class _PolishedOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, whose cached schema dict is the finished document
    (openapi_polish.py): built on the first request for it, as Litestar's own is."""

    __slots__ = ()

    def provide_openapi_schema(self) -> dict[str, Any]:
        if not self._openapi_schema:
            self._openapi_schema = polish(self.provide_openapi().to_schema())
        return self._openapi_schema


def _serve_polished_openapi(app: Litestar) -> None:
    """/openapi.json, /docs and /redoc serve the finished document. The plugin instance
    Litestar made is given the subclass above (same slots), so its routes and caching stay
    Litestar's own."""
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = _PolishedOpenAPIPlugin


def app_factory() -> Litestar:
    """For `uvicorn --factory entrypoints.http.app:app_factory` (`psi run`): the served
    process also drains on SIGTERM (entrypoints/http/drain.py)."""
    from entrypoints.http.drain import install_drain

    app = create_app()
    app.on_startup.append(install_drain)
    return app
