"""One pipeline: structlog events and standard-library records (ours and libraries')
leave as one JSON object a line, with the request id in scope, and an exception as its
type, code path and fingerprint, never its message or a traceback."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from application.context import request_id_var
from entrypoints.logging import configure_logging, exception_fields

SECRET = "ada@example.com"


@pytest.fixture
def lines(monkeypatch: pytest.MonkeyPatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    configure_logging("INFO", True)

    def read() -> list[dict]:
        return [json.loads(line) for line in out.getvalue().splitlines()]

    yield read
    monkeypatch.undo()
    configure_logging("INFO", True)


def _failure() -> ValueError:
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as inner:
            raise ValueError(f"duplicate key value (email)=({SECRET})") from inner
    except ValueError as exc:
        return exc


def test_library_and_structlog_lines_are_json_with_the_request_id(lines):
    token = request_id_var.set("rid-1")
    try:
        logging.getLogger("uvicorn.error").warning("library line %s", 1)
        structlog.get_logger("fresh").warning("our_line", count=2)
    finally:
        request_id_var.reset(token)
    library, ours = lines()
    assert library["event"] == "library line 1" and library["logger"] == "uvicorn.error"
    assert library["level"] == "warning" and library["request_id"] == "rid-1"
    assert ours["event"] == "our_line" and ours["count"] == 2 and ours["request_id"] == "rid-1"
    assert library["timestamp"].endswith("Z") and ours["timestamp"].endswith("Z")


def test_exceptions_are_logged_by_type_and_code_path_only(lines):
    exc = _failure()
    try:
        raise exc
    except ValueError:
        logging.getLogger("asyncio").exception(
            "Task exception was never retrieved\nfuture: <Task exception=%r>", exc
        )
        structlog.get_logger("fresh").error("failed", exc_info=True)
    library, ours = lines()
    for line in (library, ours):
        text = json.dumps(line)
        assert SECRET not in text and "Traceback" not in text
        assert line["error_type"] == "ValueError"
        assert line["error_causes"] == ["KeyError"]
        assert any(":_failure:" in frame for frame in line["error_frames"])
        assert line["error_fingerprint"] == exception_fields(exc)["error_fingerprint"]
    assert library["event"] == "Task exception was never retrieved"


def test_the_fingerprint_follows_type_and_path_not_the_message():
    assert (
        exception_fields(_failure())["error_fingerprint"]
        == exception_fields(_failure())["error_fingerprint"]
    )
    with pytest.raises(ValueError) as other:
        raise ValueError("other")
    assert (
        exception_fields(other.value)["error_fingerprint"]
        != exception_fields(_failure())["error_fingerprint"]
    )


def test_uvicorn_writes_no_second_access_line(lines):
    """uvicorn logs its own access line whenever its access logger has a handler (whatever
    `access_log` says); ours is the one per request, without the query string."""
    access = logging.getLogger("uvicorn.access")
    # pytest's capture handlers aside, it reaches no handler: uvicorn skips the line.
    own = [h for h in access.handlers if type(h).__name__ != "LogCaptureHandler"]
    assert own == [] and not access.propagate and access.disabled
    access.info('%s - "%s %s HTTP/%s" %d', "10.0.0.1", "GET", "/x?email=" + SECRET, "1.1", 200)
    assert lines() == []
