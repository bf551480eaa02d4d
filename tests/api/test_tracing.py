"""OpenTelemetry traces with the SDK's in-memory exporter: server spans by route template,
SQL and Redis spans inside them, no personal data in any attribute, and the food job
continuing the upload's trace through the queue message."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.queue.redis_stream import RedisStreamQueue
from entrypoints.settings import load_settings
from entrypoints.tracing import configure_tracing, stop_tracing
from tests.support.app import Api, api_client, production_settings

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert configure_tracing(load_settings({}, jwt_secret="s" * 40), role="api", exporter=exporter)
    yield exporter
    stop_tracing()
    exporter.shutdown()  # later spans of this process are dropped, not kept


def test_tracing_is_off_without_an_otlp_endpoint() -> None:
    assert load_settings({}, jwt_secret="s" * 40).tracing is False
    on = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}
    assert load_settings(on, jwt_secret="s" * 40).tracing is True
    assert load_settings({**on, "OTEL_SDK_DISABLED": "true"}, jwt_secret="s" * 40).tracing is False


@pytest.fixture
def traced_settings(spans, tmp_path, request):
    return production_settings(
        tmp_path, request.getfixturevalue("postgres_url"), request.getfixturevalue("redis_url")
    )


async def test_requests_have_server_sql_and_redis_spans_without_personal_data(
    spans: InMemorySpanExporter, traced_settings, clock
) -> None:
    email = f"trace-{uuid.uuid4().hex[:8]}@example.com"
    async with api_client(traced_settings, clock) as client:
        api = Api(client)
        user, headers, _ = await api.user(email=email, name="Ada Tracewell")
        spans.clear()
        r = await client.get(f"/api/v1/users/{user['id']}", headers=headers)
        assert r.status_code == 200
        r = await client.get("/api/v1/nutrition/foods?q=pistachio", headers=headers)
        assert r.status_code == 200
        finished = spans.get_finished_spans()

    servers = [s for s in finished if s.kind == trace.SpanKind.SERVER]
    names = {s.name for s in servers}
    assert "GET /api/v1/users/{user_id}" in names
    assert "GET /api/v1/nutrition/foods" in names
    by_trace = {s.context.trace_id for s in servers}
    sql = [s for s in finished if s.attributes.get("db.system") == "postgresql"]
    assert sql and all(s.context.trace_id in by_trace for s in sql)
    assert all(s.parent is not None for s in sql)
    text = " ".join(f"{s.name} {dict(s.attributes)}" for s in finished)
    for personal in (email, "Ada Tracewell", user["id"], "pistachio"):
        assert personal not in text


async def test_the_food_job_continues_the_uploads_trace(
    spans: InMemorySpanExporter, redis_url: str
) -> None:
    queue = RedisStreamQueue(redis_url, f"psi-trace-{uuid.uuid4().hex[:8]}:", block_ms=100)
    seen: list[trace.SpanContext] = []
    done = asyncio.Event()

    async def handler(analysis_id: uuid.UUID) -> None:
        seen.append(trace.get_current_span().get_span_context())
        done.set()

    queue.bind(handler)
    await queue.start()
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span(
        "POST /api/v1/food/upload", kind=trace.SpanKind.SERVER
    ) as upload:
        assert await queue.enqueue(uuid.uuid4())
    consumer = asyncio.create_task(queue.consume(1))
    try:
        await asyncio.wait_for(done.wait(), 10)
    finally:
        consumer.cancel()
        await asyncio.gather(consumer, return_exceptions=True)
        await queue._redis.delete(queue.stream)
        await queue.stop()
    (job,) = seen
    assert job.trace_id == upload.get_span_context().trace_id
    job_span = next(
        s
        for s in spans.get_finished_spans()
        if s.name == "food.analysis.job" and s.context.span_id == job.span_id
    )
    assert job_span.parent.span_id == upload.get_span_context().span_id
    assert job_span.kind == trace.SpanKind.CONSUMER
