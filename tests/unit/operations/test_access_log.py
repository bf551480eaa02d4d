"""The access line: written without structlog's processor chain, the same line it renders."""

from __future__ import annotations

import io
import json
import sys

import pytest
import structlog

from entrypoints.logging import configure_logging, log_access


@pytest.fixture
def stdout(monkeypatch: pytest.MonkeyPatch):
    """A stream for stdout, set by the test itself (pytest's capture resets sys.stdout
    between a fixture's set-up and the test)."""
    out = io.StringIO()

    def capture(level: str) -> None:
        monkeypatch.setattr(sys, "stdout", out)
        configure_logging(level, True)

    yield out, capture
    monkeypatch.undo()
    configure_logging("INFO", True)


def test_the_fast_access_line_is_the_line_structlog_writes(stdout) -> None:
    out, capture = stdout
    capture("INFO")
    log_access("GET", "/api/v1/users/me", 200, 1.25, "abc123")
    structlog.get_logger("other").info(
        "request",
        method="GET",
        path="/api/v1/users/me",
        status=200,
        duration_ms=1.25,
        request_id="abc123",
    )
    fast, slow = (json.loads(line) for line in out.getvalue().splitlines())
    assert list(fast) == list(slow)
    assert {k: v for k, v in fast.items() if k != "timestamp"} == {
        k: v for k, v in slow.items() if k != "timestamp"
    }
    assert fast["timestamp"].endswith("Z") and fast["status"] == 200


def test_no_access_line_above_info(stdout) -> None:
    out, capture = stdout
    capture("WARNING")
    log_access("GET", "/api/v1/users/me", 200, 1.25, "abc123")
    assert out.getvalue() == ""
