"""`psi openapi export`: the app's own OpenAPI document, as the committed `openapi.json`
that the TypeScript client (`clients/typescript/`) is generated from."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

REPO_FILE = Path("openapi.json")


def current_document() -> dict[str, Any]:
    """The document the app serves at /openapi.json, built without serving anything."""
    from litestar._openapi.plugin import OpenAPIPlugin

    from entrypoints.http.app import create_app
    from entrypoints.settings import load_settings

    with tempfile.TemporaryDirectory() as var_dir:
        settings = load_settings(
            {}, var_dir=Path(var_dir), log_level="WARNING", nutrition_auto_import=False
        )
        app = create_app(settings)
        return app.plugins.get(OpenAPIPlugin).provide_openapi_schema()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _export(args: argparse.Namespace) -> int:
    args.out.write_text(render(current_document()), encoding="utf-8")
    return 0


def register(subparsers, groups) -> None:
    openapi = subparsers.add_parser("openapi", help="the API's OpenAPI document")
    sub = openapi.add_subparsers(dest="openapi_command", required=True)
    export = sub.add_parser("export", help="write the document (default ./openapi.json)")
    export.add_argument("--out", type=Path, default=REPO_FILE)
    export.set_defaults(func=_export)
