"""The committed openapi.json and TypeScript client match the running app, so app
developers who generate from them get exactly what the server answers."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from entrypoints.cli_openapi import current_document, render

REPO = Path(__file__).resolve().parents[2]
CLIENT = REPO / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"


def test_the_committed_document_is_the_apps() -> None:
    committed = (REPO / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(current_document()), (
        "openapi.json is stale: run `psi openapi export` and `npm run generate` in "
        "clients/typescript"
    )


def _node_tools() -> None:
    if shutil.which("node") and (BIN / "openapi-typescript").exists():
        return
    message = (
        "the TypeScript generator: run `npm ci` in clients/typescript (needs node; .ci/run does it)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"missing {message}")
    pytest.skip(f"missing {message}; CI=true makes this a failure")


def test_the_committed_typescript_client_is_generated_from_it(tmp_path) -> None:
    _node_tools()
    out = tmp_path / "schema.d.ts"
    done = subprocess.run(
        [str(BIN / "openapi-typescript"), str(REPO / "openapi.json"), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=CLIENT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.read_text() == (CLIENT / "schema.d.ts").read_text(), (
        "clients/typescript/schema.d.ts is stale: run `npm run generate` there"
    )


def test_the_typescript_client_type_checks() -> None:
    _node_tools()
    done = subprocess.run(
        [str(BIN / "tsc"), "-p", str(CLIENT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=CLIENT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
