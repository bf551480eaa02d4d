"""The OpenAPI document as app developers read it, finished after Litestar generates it:

- operation ids are the handlers' names in camelCase (`login`, `getMe`), unique;
- generic envelopes are named after what they hold (`UserOutEnvelope`, not
  `Envelope_entrypoints.http.schemas.identity.UserOut_`);
- every response documents the headers the server sends (`X-Request-ID` always,
  `X-RateLimit-*` under /api/v1, `Retry-After` on 429, `Location` where a handler sets it);
- each error response's `code` is an enum of the contract codes of that status, taken from
  the domain's error classes (so a new error class documents itself).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from domain.errors import PsiError

_GENERIC = re.compile(r"^(?P<outer>[A-Za-z]+)_(?:[A-Za-z_][\w]*\.)*(?P<inner>[A-Za-z]\w*)_$")
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_UNEXPECTED_CODE = "PSI-SYS-5000"

_HEADER_DOCS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {"description": "The request's id: echoed when the client sent a safe "
                     "one, generated otherwise. Quote it when reporting a problem.",
                     "schema": {"type": "string", "maxLength": 128}},
    "X-RateLimit-Limit": {"description": "Requests (or, on food uploads, analyses per UTC "
                          "day) allowed in the current window.",
                          "schema": {"type": "integer", "minimum": 0}},
    "X-RateLimit-Remaining": {"description": "What is left of that allowance.",
                              "schema": {"type": "integer", "minimum": 0}},
    "X-RateLimit-Reset": {"description": "When the allowance is whole again (epoch seconds).",
                          "schema": {"type": "integer", "minimum": 0}},
    "Retry-After": {"description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer", "minimum": 0}},
    "Location": {"description": "Where the created or accepted resource can be read.",
                 "schema": {"type": "string"}},
}
# Handlers that set Location, by (method, path) and status.
LOCATIONS: set[tuple[str, str, str]] = {("post", "/api/v1/food/upload", "202"),
                                        ("post", "/api/v1/food/upload", "201")}


def camel_operation_id(handler_name: str) -> str:
    first, *rest = handler_name.strip("_").split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


class OperationIds:
    """Litestar's operation id creator: the handler's name in camelCase; a handler served
    at a second path (`/health` and `/api/v1/health`) gets that path's prefix in front."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, handler: Any, method: str, path: list[Any]) -> str:
        name = camel_operation_id(handler.handler_name)
        if name in self._used:
            words = [str(p) for p in path if isinstance(p, str) and p][:-1] or ["root"]
            name = camel_operation_id("_".join([*words[:2], handler.handler_name])
                                      .replace("-", "_"))
        while name in self._used:
            name += method.capitalize()
        self._used.add(name)
        return name


def error_codes_by_status() -> dict[int, list[str]]:
    codes: dict[int, set[str]] = {500: {_UNEXPECTED_CODE}}
    for cls in _subclasses(PsiError):
        status, code = getattr(cls, "status", None), getattr(cls, "code", None)
        if isinstance(status, int) and isinstance(code, str) and code.startswith("PSI-"):
            codes.setdefault(status, set()).add(code)
    return {status: sorted(found) for status, found in codes.items()}


def _subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def polish(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    _rename_generic_components(schema)
    _unique_operation_ids(schema)
    _typed_error_responses(schema)
    _document_headers(schema)
    return schema


def _operations(schema: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item[method]


def _rename_generic_components(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    renames: dict[str, str] = {}
    for name in list(components):
        match = _GENERIC.match(name)
        if match:
            new = f"{match['inner']}{match['outer'].replace('_', '')}"
            if new not in components and new not in renames.values():
                renames[name] = new
    for old, new in renames.items():
        components[new] = components.pop(old)
    if renames:
        refs = {f"#/components/schemas/{old}": f"#/components/schemas/{new}"
                for old, new in renames.items()}
        _replace_refs(schema, refs)


def _replace_refs(node: Any, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref in refs:
            node["$ref"] = refs[ref]
        for value in node.values():
            _replace_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, refs)


def _unique_operation_ids(schema: dict[str, Any]) -> None:
    seen: dict[str, int] = {}
    for _, _, op in _operations(schema):
        seen[op.get("operationId", "")] = seen.get(op.get("operationId", ""), 0) + 1
    for path, method, op in _operations(schema):
        current = op.get("operationId", "")
        if seen.get(current, 0) > 1 or not current:
            tag = (op.get("tags") or ["api"])[0]
            op["operationId"] = camel_operation_id(f"{tag}_{method}_{current or path}"
                                                   .replace("-", "_").replace("/", "_")
                                                   .replace("{", "").replace("}", ""))


def _typed_error_responses(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    envelope, body = components.get("ErrorEnvelope"), components.get("ErrorBody")
    if envelope is None or body is None:
        return
    codes = error_codes_by_status()
    for _, _, op in _operations(schema):
        for status, response in op.get("responses", {}).items():
            if not str(status).isdigit() or int(status) < 400 or int(status) not in codes:
                continue
            name = f"ErrorEnvelope{status}"
            if name not in components:
                typed_body = copy.deepcopy(body)
                typed_body.setdefault("properties", {})["code"] = {
                    "type": "string", "enum": codes[int(status)],
                    "description": f"The contract's error codes answered with {status}"}
                components[f"ErrorBody{status}"] = typed_body
                typed = copy.deepcopy(envelope)
                typed["properties"]["error"] = {"$ref": f"#/components/schemas/ErrorBody{status}"}
                components[name] = typed
            for media in response.get("content", {}).values():
                if media.get("schema", {}).get("$ref") == "#/components/schemas/ErrorEnvelope":
                    media["schema"] = {"$ref": f"#/components/schemas/{name}"}


def _document_headers(schema: dict[str, Any]) -> None:
    for path, method, op in _operations(schema):
        limited = path.startswith("/api/v1/") and not path.startswith(
            ("/api/v1/docs", "/api/v1/redoc", "/api/v1/openapi"))
        for status, response in op.get("responses", {}).items():
            headers = response.setdefault("headers", {})
            names = ["X-Request-ID"]
            if limited:
                names += ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
            if str(status) == "429":
                names.append("Retry-After")
            if (method, path, str(status)) in LOCATIONS:
                names.append("Location")
            for name in names:
                headers.setdefault(name, copy.deepcopy(_HEADER_DOCS[name]))
