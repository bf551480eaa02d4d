"""Settings that warn about mistyped variables, and a CLI that fails in one clear line."""

from __future__ import annotations

import logging

import pytest

from entrypoints import cli
from entrypoints.settings import SettingsError, load_settings, redact_url, unknown_variables

SECRET = "k3J9-vQ2_mZ8xR4pL7nW1sT6yB0cF5hD"


def test_a_mistyped_variable_is_an_error_in_production_naming_the_closest(tmp_path) -> None:
    environ = {"PSI_ENV": "production", "PSI_JWT_SECRET": SECRET,
               "PSI_DATABSE_URL": "postgresql://x@db/psi"}
    with pytest.raises(SettingsError, match=r"PSI_DATABSE_URL \(did you mean PSI_DATABASE_URL\?\)"):
        load_settings(environ)


def test_a_mistyped_variable_is_a_warning_in_the_embedded_profile(tmp_path, caplog) -> None:
    environ = {"PSI_VAR_DIR": str(tmp_path), "PSI_REDIS_ULR": "redis://localhost"}
    with caplog.at_level(logging.WARNING, logger="psi.settings"):
        settings = load_settings(environ)
    assert settings.redis_url is None
    assert "PSI_REDIS_ULR (did you mean PSI_REDIS_URL?)" in caplog.text


def test_tooling_variables_and_known_settings_are_not_reported() -> None:
    environ = {"PSI_TEST_POSTGRES_URL": "x", "PSI_BENCH_SKIP": "1", "PSI_REQUIRE_VISION": "1",
               "PSI_PYTHON": "python3", "PSI_PORT": "9000", "HOME": "/root"}
    assert unknown_variables(environ) == []
    assert unknown_variables({"PSI_ZZZZ": "1"}) == [("PSI_ZZZZ", None)]


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+asyncpg://psi:s3cret@db:5432/psi", "postgresql+asyncpg://psi:***@db:5432/psi"),
    ("postgresql+asyncpg://psi@db/psi", "postgresql+asyncpg://psi@db/psi"),
    ("sqlite+aiosqlite:////var/psi.db", "sqlite+aiosqlite:////var/psi.db"),
])
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def _only_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("psi ")


def test_an_unknown_command_or_option_is_one_line_and_exit_2(capsys) -> None:
    for argv in (["no-such-command"], ["run", "--port", "eighty"], ["jobs", "--only", "nope"]):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        assert stop.value.code == 2
        assert "error:" in _only_line(capsys.readouterr().err)


def test_an_unknown_email_is_one_line_and_a_failure(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PSI_VAR_DIR", str(tmp_path))
    assert cli.main(["migrate"]) == 0
    capsys.readouterr()
    assert cli.main(["users", "set-tier", "nobody@example.com", "admin"]) == 1
    assert _only_line(capsys.readouterr().err) == "psi: no user with email nobody@example.com"


def test_an_unreachable_database_is_one_line_without_the_password(
        tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PSI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PSI_DATABASE_URL", "postgresql+asyncpg://psi:hunter2@127.0.0.1:1/psi")
    monkeypatch.setenv("PSI_DEPENDENCY_TIMEOUT_S", "1")
    assert cli.main(["migrate"]) == 3
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "Traceback" not in err
    assert _only_line(err.splitlines()[-1]).startswith("psi: cannot reach a dependency")
