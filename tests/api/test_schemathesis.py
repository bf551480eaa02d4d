"""Schemathesis holds the API to its own OpenAPI document, both ways (issue 17 item 7).

Every operation, with every check (`--checks all`: no 5xx, status codes, content types,
headers and bodies as documented, schema-valid requests accepted, schema-violating ones
refused, `Allow` on OPTIONS and 405, authentication not ignored, ...) through the examples,
coverage, fuzzing and stateful phases, on a real API process of the embedded profile with a
signed-in user. `schemathesis.toml` (repository root) names the rules JSON Schema cannot
state and so the answers a schema-valid request may still get per operation.

Bounded for CI: a few generated cases per operation, seeded and derandomized so a run is
reproducible; the full run's command and result are in docs/operations.md.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from tests.support.live import live_api, post

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

REPO = Path(__file__).resolve().parents[2]
# Operations that end the signed-in session the run works with; each has its own tests.
SESSION_ENDING = ["deleteMe", "logout"]
SEED = 17
MAX_EXAMPLES = 4


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    with live_api({}, tmp_path_factory.mktemp("schemathesis")) as base:
        email = f"st-{uuid.uuid4().hex[:8]}@example.com"
        post(
            f"{base}/api/v1/auth/register",
            {
                "email": email,
                "password": "Fuzz1234x",
                "name": "Fuzz",
                "consents": {"biometrics": True, "food_photos": True},
            },
        )
        tokens = post(f"{base}/api/v1/auth/login", {"email": email, "password": "Fuzz1234x"})
        yield base, tokens["data"]["access_token"]


def _config(token: str) -> SchemathesisConfig:
    config = SchemathesisConfig.from_path(REPO / "schemathesis.toml")
    config.update(seed=SEED, max_failures=None)
    project = config.projects.override
    project.update(headers={"Authorization": f"Bearer {token}"}, workers=1, request_timeout=60)
    project.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])
    # Response time is not part of the contract on a shared two-core CI machine.
    project.checks.update(included_check_names=["all"], excluded_check_names=["max_response_time"])
    project.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    return config


def test_the_api_keeps_its_documented_contract(signed_in):
    base, token = signed_in
    config = _config(token)
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", config=config)
    schema = schema.exclude(operation_id=SESSION_ENDING)
    findings: list[str] = []
    operations: set[str] = set()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                findings.extend(
                    f"{event.recorder.label}: {info.failure.title}\n  {info.code_sample}"
                    for info in (check.failure_info for check in checks)
                    if info is not None
                )
        elif isinstance(event, events.NonFatalError):
            findings.append(f"{event.label}: {event.info.title}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            findings.append(f"fatal: {event.exception!r}")
    assert len(operations) >= 40, sorted(operations)
    assert not findings, "\n".join(sorted(set(findings)))
