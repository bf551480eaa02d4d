"""The OpenAPI document as app developers read it, finished after Litestar generates it:

- operation ids are the handlers' names in camelCase (`login`, `getMe`), made by
  `OperationIds` as Litestar generates them (Litestar itself refuses a duplicate);
- generic envelopes are named after what they hold (`UserOutEnvelope`, not
  `Envelope_entrypoints.http.schemas.identity.UserOut_`);
- every response documents the headers the server sends (`X-Request-ID` always,
  `X-RateLimit-*` where admission counts requests, `Retry-After` on 429, `Location` where a
  handler sets it);
- each error response's `code` is an enum of the contract codes of that status, taken from
  the domain's error classes (so a new error class documents itself);
- every request body and success answer has an example, built from its schema
  (deterministic: the committed openapi.json and the generated client stay stable);
- the rules the server enforces beyond Litestar's own are stated: request bodies take no
  unknown field (`additionalProperties: false`, as `Input` structs decode), and text in a
  body, a path or a query holds no control character (the patterns below, which
  json_limits.py and edge.py enforce).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

import msgspec

from domain.errors import PsiError
from entrypoints.http.admission import rate_limited_path
from entrypoints.http.schemas.base import Input

_GENERIC = re.compile(r"^(?P<outer>[A-Za-z]+)_(?:[A-Za-z_][\w]*\.)*(?P<inner>[A-Za-z]\w*)_$")
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_UNEXPECTED_CODE = "PSI-SYS-5000"
# Text in a JSON body: no C0 control but tab, line feed and carriage return, no DEL, no C1
# (json_limits.json_has_control_characters). In a path or query: no control at all (edge.py).
BODY_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
URL_TEXT_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"

_HEADER_DOCS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id: echoed when the client sent a safe "
        "one, generated otherwise. Quote it when reporting a problem.",
        "schema": {"type": "string", "maxLength": 128},
    },
    "X-RateLimit-Limit": {
        "description": "Requests (or, on food uploads, analyses per UTC "
        "day) allowed in the current window.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-RateLimit-Remaining": {
        "description": "What is left of that allowance.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "X-RateLimit-Reset": {
        "description": "When the allowance is whole again (epoch seconds).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Location": {
        "description": "Where the created or accepted resource can be read.",
        "schema": {"type": "string"},
    },
}
# Handlers that set Location, by (method, path) and status.
LOCATIONS: set[tuple[str, str, str]] = {
    ("post", "/api/v1/food/upload", "202"),
    ("post", "/api/v1/food/upload", "201"),
}


def camel_operation_id(handler_name: str) -> str:
    first, *rest = handler_name.strip("_").split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


class OperationIds:
    """Litestar's operation id creator: the handler's name in camelCase. A handler served
    at several paths (`/api/v1/health` and `/health`) keeps the plain name under /api/v1
    and gets `root` in front elsewhere: decided by the path, never by the order Litestar
    happens to visit them in (it differs between processes)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def __call__(self, handler: Any, method: str, path: list[Any]) -> str:
        words = [str(p) for p in path if isinstance(p, str) and p]
        name = camel_operation_id(handler.handler_name)
        if len(getattr(handler, "paths", ())) > 1 and words[:2] != ["api", "v1"]:
            name = camel_operation_id(f"root_{handler.handler_name}")
        while name in self._used:
            name += method.capitalize()
        self._used.add(name)
        return name


def error_codes_by_status() -> dict[int, list[str]]:
    codes: dict[int, set[str]] = {500: {_UNEXPECTED_CODE}}
    for cls in _subclasses(PsiError):
        if not cls.__module__.startswith("domain."):
            continue  # the contract's errors are the domain's (not a test's own subclass)
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
    _closed_request_bodies(schema)
    _text_patterns(schema)
    _typed_error_responses(schema)
    _document_headers(schema)
    _examples(schema)
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
        refs = {
            f"#/components/schemas/{old}": f"#/components/schemas/{new}"
            for old, new in renames.items()
        }
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


_CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
)


def _closed_request_bodies(schema: dict[str, Any]) -> None:
    """`Input` structs refuse unknown fields (400); their schemas say so. Litestar drops a
    field's msgspec constraints where the field is optional (`gt=0` of `float | None`) or a
    list's item (`list[Annotated[str, Meta(min_length=1)]]`); msgspec's own schema of the
    struct, the rules the decoder enforces, puts them back."""
    components = schema.get("components", {}).get("schemas", {})
    for cls in _subclasses(Input):
        component = components.get(cls.__name__)
        if component is None or component.get("type") != "object":
            continue
        component["additionalProperties"] = False
        (truth,), defs = msgspec.json.schema_components([cls])
        truth = defs.get(cls.__name__, truth)
        for name, field in truth.get("properties", {}).items():
            if name in component.get("properties", {}):
                _merge_constraints(component["properties"][name], field)


def _merge_constraints(target: dict[str, Any], truth: dict[str, Any]) -> None:
    for branch in truth.get("anyOf", []):
        if branch.get("type") != "null" and "$ref" not in branch:
            _merge_constraints(target, branch)
    for key in _CONSTRAINTS:
        if key in truth and key not in target:
            target[key] = truth[key]
    if isinstance(truth.get("items"), dict) and "$ref" not in truth["items"]:
        items = target.get("items")
        for branch in target.get("oneOf", []):
            items = items or branch.get("items")
        if isinstance(items, dict):
            _merge_constraints(items, truth["items"])


def _text_patterns(schema: dict[str, Any]) -> None:
    """Free text (a string without pattern, enum or format) gets the control-character rule
    of where it travels: every request body schema, every path and query parameter."""
    components = schema.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    for _, _, op in _operations(schema):
        for kind, media in op.get("requestBody", {}).get("content", {}).items():
            if "json" in kind:
                _pattern_strings(media.get("schema", {}), components, BODY_TEXT_PATTERN, seen)
        for parameter in op.get("parameters", []):
            if parameter.get("in") in ("path", "query"):
                _pattern_strings(parameter.get("schema", {}), components, URL_TEXT_PATTERN, seen)


def _pattern_strings(node: Any, components: dict[str, Any], pattern: str, seen: set[str]) -> None:
    if isinstance(node, list):
        for value in node:
            _pattern_strings(value, components, pattern, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _pattern_strings(components.get(name, {}), components, pattern, seen)
        return
    if {"pattern", "enum", "format", "const"} & node.keys():
        return  # already as narrow as the server (`Optional` branches below it too)
    kinds = node.get("type")
    if kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
        node["pattern"] = pattern
    for key in ("properties", "patternProperties"):
        for value in node.get(key, {}).values():
            _pattern_strings(value, components, pattern, seen)
    for key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf"):
        if key in node:
            _pattern_strings(node[key], components, pattern, seen)
    if isinstance(node.get("additionalProperties"), dict):
        node.setdefault("propertyNames", {"pattern": pattern})


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
                    "type": "string",
                    "enum": codes[int(status)],
                    "description": f"The contract's error codes answered with {status}",
                }
                components[f"ErrorBody{status}"] = typed_body
                typed = copy.deepcopy(envelope)
                typed["properties"]["error"] = {"$ref": f"#/components/schemas/ErrorBody{status}"}
                components[name] = typed
            for media in response.get("content", {}).values():
                if media.get("schema", {}).get("$ref") == "#/components/schemas/ErrorEnvelope":
                    media["schema"] = {"$ref": f"#/components/schemas/{name}"}


def _document_headers(schema: dict[str, Any]) -> None:
    for path, method, op in _operations(schema):
        limited = rate_limited_path(path)
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


# -- examples ------------------------------------------------------------------------------

_FORMAT_EXAMPLES = {
    "email": "ada@example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date-time": "2026-11-10T14:30:00Z",
    "date": "2026-11-10",
    "uri": "/api/v1/food/analysis/3fa85f64-5717-4562-b3fc-2c963f66afa6",
}
_NAME_EXAMPLES: dict[str, str | int | float] = {
    "password": "Passw0rdX",
    "current_password": "Passw0rdX",
    "new_password": "N3wPassw0rd",
    "name": "Ada Lovelace",
    "food": "banana",
    "q": "banana",
    "token": "q1W2e3R4t5Y6u7I8o9P0",
    "comment": "Lovely and quick.",
    "note": "Slept well.",
    "label": "content",
    "source": "apple_watch",
    "email": "ada@example.com",
    "request_id": "7c1fa1e0c2b94f5a9d3e8b6a2f4c0d11",
    "heart_rate": 62,
    "hrv_rmssd": 48.5,
    "hrv_sdnn": 61.2,
    "grams": 118,
    "portion_grams": 118,
    "calories": 105,
}


def _resolve(node: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return components.get(ref.rsplit("/", 1)[1], {})
    return node


def _example(
    node: dict[str, Any], components: dict[str, Any], name: str = "", depth: int = 0
) -> Any:
    node = _resolve(node, components)
    if depth > 8:
        return None
    if "example" in node:
        return node["example"]
    if "examples" in node and isinstance(node["examples"], list) and node["examples"]:
        return node["examples"][0]
    if "default" in node:
        return node["default"]
    if node.get("enum"):
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    for key in ("oneOf", "anyOf"):
        if key in node:
            options = [o for o in node[key] if _resolve(o, components).get("type") != "null"]
            return _example((options or node[key])[0], components, name, depth + 1)
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            value = _example(part, components, name, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in node:
        properties = node.get("properties", {})
        required = set(node.get("required", properties))
        return {
            key: _example(value, components, key, depth + 1)
            for key, value in properties.items()
            if key in required
        }
    if kind == "array":
        item = _example(node.get("items", {}), components, name, depth + 1)
        return [] if item is None else [item] * max(1, int(node.get("minItems", 1)))
    if name in _NAME_EXAMPLES and kind in ("integer", "number"):
        return _NAME_EXAMPLES[name]
    if kind == "string":
        if node.get("format") in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[node["format"]]
        named = _NAME_EXAMPLES.get(name, "string")
        text = named if isinstance(named, str) else "string"
        low, high = int(node.get("minLength", 0)), int(node.get("maxLength", 10_000))
        text = (text * (low // max(1, len(text)) + 1))[: max(low, min(len(text), high))]
        return text
    if kind == "integer":
        return int(
            node.get(
                "minimum", node.get("exclusiveMinimum", 0) + 1 if "exclusiveMinimum" in node else 1
            )
        )
    if kind == "number":
        if "minimum" in node and "maximum" in node:
            return float(node["minimum"] + node["maximum"]) / 2
        return float(node.get("minimum", 1.0))
    if kind == "boolean":
        return True
    return None


def _examples(schema: dict[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    for _, _, op in _operations(schema):
        body = op.get("requestBody", {}).get("content", {})
        for media in body.values():
            if "schema" in media and "example" not in media and "examples" not in media:
                media["example"] = _example(media["schema"], components)
        for status, response in op.get("responses", {}).items():
            if not str(status).startswith("2"):
                continue
            for kind, media in response.get("content", {}).items():
                if (
                    kind == "application/json"
                    and "schema" in media
                    and "example" not in media
                    and "examples" not in media
                ):
                    media["example"] = _example(media["schema"], components)
