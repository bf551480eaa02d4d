"""The OpenAPI document as an app developer's code generator reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from domain.errors import PsiError
from entrypoints.http.openapi_polish import camel_operation_id, error_codes_by_status

pytestmark = pytest.mark.parametrize("profile", ["embedded"])

_METHODS = ("get", "put", "post", "delete", "patch")


async def _document(client) -> dict[str, Any]:
    r = await client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(doc: dict[str, Any]):
    for path, item in doc["paths"].items():
        for method in _METHODS:
            if method in item:
                yield path, method, item[method]


def _refs(node: Any):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


async def test_operation_ids_are_readable_and_unique(client) -> None:
    doc = await _document(client)
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9]*", i) for i in ids), ids
    by_route = {(m, p): op["operationId"] for p, m, op in _operations(doc)}
    assert by_route[("post", "/api/v1/auth/login")] == "login"
    assert by_route[("get", "/api/v1/users/me")] == "getMe"
    assert camel_operation_id("get_me") == "getMe"


async def test_schema_names_are_plain_and_every_reference_resolves(client) -> None:
    doc = await _document(client)
    names = set(doc["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", n) for n in names), sorted(names)
    assert "UserOutEnvelope" in names
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in names, ref


async def test_every_response_documents_its_headers(client) -> None:
    doc = await _document(client)
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            headers = response.get("headers", {})
            assert "X-Request-ID" in headers, (method, path, status)
            unlimited = "health" in path or "ready" in path or path == "/api/v1/webhooks/stripe"
            if path.startswith("/api/v1/"):
                limit_headers = "X-RateLimit-Remaining" in headers
                assert limit_headers is not unlimited, (method, path, status)
            if status == "429":
                assert "Retry-After" in headers
    upload = doc["paths"]["/api/v1/food/upload"]["post"]["responses"]
    assert "Location" in upload["202"]["headers"]
    assert "429" not in doc["paths"]["/api/v1/webhooks/stripe"]["post"]["responses"]


def _codes(doc: dict[str, Any], response: dict[str, Any]) -> list[str]:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    envelope = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    body = doc["components"]["schemas"][envelope["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    return body["properties"]["code"]["enum"]


async def test_error_codes_are_an_enum_of_that_statuss_contract_codes(client) -> None:
    doc = await _document(client)
    expected = error_codes_by_status()
    assert expected[401] == ["PSI-AUTH-1001", "PSI-AUTH-1002", "PSI-AUTH-1003", "PSI-AUTH-1004"]
    assert "PSI-SYS-5000" in expected[500]
    every_status_code = {(c.status, c.code) for c in PsiError.__subclasses__()}
    assert all(code in expected[status] for status, code in every_status_code)
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            if int(status) >= 400:
                assert _codes(doc, response) == expected[int(status)], (method, path, status)


async def test_a_real_error_answer_uses_a_documented_code(client) -> None:
    doc = await _document(client)
    r = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "Wrong1234x"}
    )
    assert r.status_code == 401
    documented = _codes(doc, doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["401"])
    assert r.json()["error"]["code"] in documented


async def test_ready_is_one_documented_shape(client) -> None:
    doc = await _document(client)
    ok = doc["paths"]["/ready"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/ReadyOut"}
    r = await client.get("/ready")
    assert r.status_code == 200
    assert set(r.json()["data"]) == {"status", "checks", "warnings"}


async def test_a_405_names_the_methods_that_work(client) -> None:
    r = await client.put("/api/v1/users/me")
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "PSI-RES-3005"
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE"}
