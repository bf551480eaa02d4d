"""Settings that warn about mistyped variables, and a CLI that fails in one clear line."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings, redact_url, unknown_variables

REPO = Path(__file__).resolve().parents[3]
SECRET = "k3J9-vQ2_mZ8xR4pL7nW1sT6yB0cF5hD"


def test_a_mistyped_variable_is_an_error_in_production_naming_the_closest(tmp_path) -> None:
    environ = {
        "PSI_ENV": "production",
        "PSI_JWT_SECRET": SECRET,
        "PSI_DATABSE_URL": "postgresql://x@db/psi",
    }
    with pytest.raises(SettingsError, match=r"PSI_DATABSE_URL \(did you mean PSI_DATABASE_URL\?\)"):
        load_settings(environ)


@pytest.mark.parametrize("budget", ["0", "-5"])
def test_a_retention_budget_must_be_positive(tmp_path, budget) -> None:
    environ = {"PSI_VAR_DIR": str(tmp_path), "PSI_RETENTION_BUDGET_S": budget}
    with pytest.raises(SettingsError, match="PSI_RETENTION_BUDGET_S"):
        load_settings(environ)


def test_a_mistyped_variable_is_a_warning_in_the_embedded_profile(tmp_path, caplog) -> None:
    environ = {"PSI_VAR_DIR": str(tmp_path), "PSI_REDIS_ULR": "redis://localhost"}
    with caplog.at_level(logging.WARNING, logger="psi.settings"):
        settings = load_settings(environ)
    assert settings.redis_url is None
    assert "PSI_REDIS_ULR (did you mean PSI_REDIS_URL?)" in caplog.text


def test_tooling_variables_and_known_settings_are_not_reported() -> None:
    environ = {
        "PSI_TEST_POSTGRES_URL": "x",
        "PSI_BENCH_SKIP": "1",
        "PSI_REQUIRE_VISION": "1",
        "PSI_PYTHON": "python3",
        "PSI_PORT": "9000",
        "HOME": "/root",
    }
    assert unknown_variables(environ) == []
    assert unknown_variables({"PSI_ZZZZ": "1"}) == [("PSI_ZZZZ", None)]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+asyncpg://psi:s3cret@db:5432/psi", "postgresql+asyncpg://psi:***@db:5432/psi"),
        ("postgresql+asyncpg://psi@db/psi", "postgresql+asyncpg://psi@db/psi"),
        ("sqlite+aiosqlite:////var/psi.db", "sqlite+aiosqlite:////var/psi.db"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def _error_line(text: str) -> dict:
    """The one error line a failing command writes (every line is a JSON object)."""
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1, text
    assert "Traceback" not in text
    return errors[0]


def _psi(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it: its own process, its own output."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PSI_")}
    environ.update({"PSI_VAR_DIR": str(tmp_path), "PYTHONPATH": str(REPO / "src"), **env})
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version(tmp_path) -> None:
    done = _psi(["--version"], tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("psi ")


@pytest.mark.parametrize(
    "argv", [["no-such-command"], ["run", "--port", "eighty"], ["jobs", "--only", "nope"]]
)
def test_an_unknown_command_or_option_is_one_line_and_exit_2(argv, tmp_path) -> None:
    done = _psi(argv, tmp_path)
    assert done.returncode == 2
    line = _error_line(done.stdout + done.stderr)
    assert line["event"] == "usage_error" and line["reason"]


def test_an_unknown_email_is_one_line_and_a_failure(tmp_path) -> None:
    assert _psi(["migrate"], tmp_path).returncode == 0
    done = _psi(["users", "set-tier", "nobody@example.com", "admin"], tmp_path)
    assert done.returncode == 1
    line = _error_line(done.stdout + done.stderr)
    assert line["reason"] == "no user with that email"
    assert "nobody@example.com" not in done.stdout + done.stderr


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path) -> None:
    done = _psi(
        ["migrate"],
        tmp_path,
        PSI_DATABASE_URL="postgresql+asyncpg://psi:hunter2@127.0.0.1:1/psi",
        PSI_DEPENDENCY_TIMEOUT_S="1",
    )
    assert done.returncode == 3
    assert "hunter2" not in done.stdout + done.stderr
    assert _error_line(done.stdout + done.stderr)["event"] == "dependency_unreachable"


def test_a_placeholder_secret_stops_production_in_one_line_without_the_value(tmp_path) -> None:
    tail = secrets.token_hex(8)
    done = _psi(
        ["migrate"],
        tmp_path,
        PSI_ENV="production",
        PSI_JWT_SECRET=f"replace-me-with-at-least-32-random-bytes-{tail}",
        PSI_DATABASE_URL=f"postgresql+asyncpg://psi:changeme{tail}@127.0.0.1:1/psi",
    )
    assert done.returncode == 2
    line = _error_line(done.stdout + done.stderr)
    assert line["event"] == "configuration_error"
    assert "PSI_JWT_SECRET" in line["reason"] and "PSI_DATABASE_URL" in line["reason"]
    assert tail not in done.stdout + done.stderr
