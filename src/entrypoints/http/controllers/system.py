"""Liveness, readiness, and the API docs under both the root and /api/v1."""

from __future__ import annotations

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import Response, get

from domain.errors import DependencyUnavailable
from entrypoints.http.envelopes import Meta, meta
from entrypoints.http.errors import error_response
from entrypoints.http.openapi_docs import errors
from entrypoints.readiness import Readiness


class HealthOut(msgspec.Struct, frozen=True):
    """`status` at the top level (what probes read) and the usual envelope beside it."""

    status: str
    data: dict[str, str]
    meta: Meta


class ReadyDataOut(msgspec.Struct, frozen=True):
    status: str
    checks: dict[str, str]
    # Findings that do not take the process out of rotation, e.g. reference data that was
    # never imported ("usda_foods: none imported: run psi data import-usda").
    warnings: list[str] = []


class ReadyOut(msgspec.Struct, frozen=True):
    status: str
    checks: dict[str, str]
    data: ReadyDataOut
    meta: Meta


@get(["/health", "/api/v1/health"], summary="Liveness (no dependency calls)", tags=["service"])
async def health() -> HealthOut:
    return HealthOut(status="ok", data={"status": "ok"}, meta=meta())


@get(
    ["/ready", "/api/v1/ready"],
    summary="Readiness: every configured store answers",
    tags=["service"],
    responses=errors(503),
)
async def ready(readiness: FromDishka[Readiness]) -> Response[ReadyOut]:
    checks = await readiness.check()
    failed = sorted(name for name, state in checks.items() if state != "ok")
    if failed:
        exc = DependencyUnavailable(
            ", ".join(failed), message="Not ready: " + ", ".join(f"{n} {checks[n]}" for n in failed)
        )
        exc.details["checks"] = checks
        exc.details["failed"] = failed
        return error_response(exc)  # the documented 503
    warnings = await readiness.warnings()
    return Response(
        ReadyOut(
            status="ready",
            checks=checks,
            meta=meta(),
            data=ReadyDataOut(status="ready", checks=checks, warnings=warnings),
        )
    )


ROUTERS = [DishkaRouter(path="/", route_handlers=[health, ready])]
