"""Prometheus metrics of every Psi process, served on a port of their own, never the API's.

`psi run` with `PSI_METRICS_PORT` serves the API processes' metrics from the supervising
process in prometheus_client's multiprocess mode: with `--workers N` each API process writes
its samples to files under `var/metrics/`, and one scrape of that port sums them (counters and
histograms add up across processes). `psi worker --metrics-port P` and
`psi jobs --metrics-port P` serve their own single process.

The multiprocess directory must be chosen before prometheus_client is first imported (it
picks its value store then): `entrypoints.metrics_dir.prepare_multiprocess` runs in `psi run`
before anything imports this module.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client import multiprocess as _multiprocess

from entrypoints.metrics_dir import MULTIPROC_ENV

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_MODEL_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "psi_http_requests", "HTTP requests answered, by route template", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "psi_http_request_duration_seconds",
    "Time from request to the end of the response, by route template",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
)
HTTP_ERRORS = Counter(
    "psi_http_errors",
    "Error envelopes answered, by contract code (rate limit refusals are PSI-RATE-4001/4002)",
    ["code"],
)
DEPENDENCY_ERRORS = Counter(
    "psi_dependency_errors", "Requests answered 503 because a store was unavailable", ["dependency"]
)
QUEUE_DEPTH = Gauge(
    "psi_queue_depth",
    "Analysis jobs waiting or running (stream length)",
    multiprocess_mode="livemax",
)
QUEUE_OLDEST_AGE = Gauge(
    "psi_queue_oldest_job_age_seconds",
    "Age of the oldest job still in the analysis queue",
    multiprocess_mode="livemax",
)
ANALYSES = Counter("psi_analyses", "Food analyses finished by a worker, by outcome", ["outcome"])
ANALYSIS_DURATION = Histogram(
    "psi_analysis_duration_seconds", "Time to run one analysis job", buckets=_MODEL_BUCKETS
)
MODEL_LATENCY = Histogram(
    "psi_model_latency_seconds",
    "Detector and describer call latency",
    ["model"],
    buckets=_MODEL_BUCKETS,
)
SAMPLES_INGESTED = Counter(
    "psi_biometric_samples", "Biometric samples received, by outcome", ["outcome"]
)
JOB_RUNS = Counter("psi_job_runs", "Scheduled job runs, by job and outcome", ["job", "outcome"])
JOB_DURATION = Histogram(
    "psi_job_duration_seconds", "Scheduled job run time", ["job"], buckets=_MODEL_BUCKETS
)


def note_error(code: str, dependency: str | None) -> None:
    HTTP_ERRORS.labels(code).inc()
    if dependency is not None:
        DEPENDENCY_ERRORS.labels(dependency).inc()


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve this process's metrics, or every API process's in multiprocess mode, on a
    background thread."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        start_http_server(port, addr=host, registry=registry)
    else:
        start_http_server(port, addr=host)
