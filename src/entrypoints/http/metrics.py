"""Request metrics by route template (the router's, never the raw path: bounded labels),
observed by the request-context middleware with the access line's own measurement."""

from __future__ import annotations

from entrypoints.metrics import HTTP_LATENCY, HTTP_REQUESTS

UNMATCHED = "unmatched"


def observe_request(method: str, route: str | None, status: int, seconds: float) -> None:
    route = route or UNMATCHED
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)
