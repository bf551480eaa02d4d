"""Request limits (OWASP API4, unrestricted resource consumption), in both profiles.

Body size per route (413), JSON nesting depth (checked before decoding), list lengths and
string lengths on every request struct (refused while decoding), and timeouts on the
database statements behind a request. Each hostile body is answered in the contract's
error envelope, never a 500.
"""

from __future__ import annotations

import msgspec
import msgspec.inspect as mi
import pytest
from sqlalchemy import text

import entrypoints.http.routes  # noqa: F401  (imports every controller and its structs)
from adapters.sql.database import Database
from entrypoints.http.json_limits import MAX_JSON_DEPTH, json_too_deep
from entrypoints.http.schemas.base import Input
from tests.api.test_identity import assert_error
from tests.support.app import Api, api_client, production_settings

JSON = {"content-type": "application/json"}


def nested(depth: int, leaf: bytes = b"1", *, objects: bool = False) -> bytes:
    if objects:
        return b'{"a":' * depth + leaf + b"}" * depth
    return b"[" * depth + leaf + b"]" * depth


def fields(error: dict) -> set[str]:
    return {e["field"] for e in error["details"]["errors"]}


# Nesting depth -----------------------------------------------------------------------
HOSTILE_BODIES = {
    "arrays, 200k deep": nested(200_000, b""),
    "objects, 50k deep": nested(50_000, objects=True),
    "inside a known field": b'{"name": ' + nested(100_000) + b"}",
    "one level too deep": b'{"name": ' + nested(MAX_JSON_DEPTH) + b"}",
    "unclosed brackets": b'{"name": ' + b"[" * 1000,
}


@pytest.mark.parametrize("body", list(HOSTILE_BODIES.values()), ids=list(HOSTILE_BODIES))
async def test_deeply_nested_json_is_a_400_before_decoding(api, client, body):
    _, headers, _ = await api.user()
    for method, path, auth in [
        ("PATCH", "/api/v1/users/me", headers),
        ("POST", "/api/v1/auth/login", {}),
        ("POST", "/api/v1/biometrics/samples", headers),
        ("PUT", "/api/v1/users/me/preferences", headers),
    ]:
        r = await client.request(method, path, headers={**auth, **JSON}, content=body)
        error = assert_error(r, 400, "PSI-VAL-1001")
        assert fields(error) == {"body"}, (path, error)


async def test_nesting_within_the_limit_reaches_ordinary_validation(api, client):
    _, headers, _ = await api.user()
    body = b'{"name": ' + nested(MAX_JSON_DEPTH - 1) + b"}"  # 32 levels with the object
    error = assert_error(
        await client.patch("/api/v1/users/me", headers={**headers, **JSON}, content=body),
        400,
        "PSI-VAL-1001",
    )
    assert fields(error) == {"name"}
    r = await client.patch(
        "/api/v1/users/me",
        headers={**headers, **JSON},
        content=b'{"name": "[[[[ {{{{ not nesting }}}} ]]]]"}',
    )
    assert r.status_code == 200, r.text


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


def test_depth_scan_agrees_with_the_decoded_value():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    text_with_brackets = st.text(alphabet='[]{}"\\ab\n', max_size=6)
    values = st.recursive(
        st.none() | st.booleans() | st.integers(-1000, 1000) | text_with_brackets,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(text_with_brackets, inner, max_size=3)
        ),
        max_leaves=60,
    )

    @settings(max_examples=1000, deadline=None)
    @given(values, st.integers(min_value=0, max_value=6))
    def check(value, limit):
        body = msgspec.json.encode(value)
        assert json_too_deep(body, limit) == (depth(value) > limit), body

    check()


# Lists and strings --------------------------------------------------------------------
def _unbounded(t: mi.Type, where: str, seen: frozenset[type]) -> list[str]:
    if isinstance(t, mi.StructType):
        if t.cls in seen:
            return []
        return [
            u for f in t.fields for u in _unbounded(f.type, f"{where}.{f.name}", seen | {t.cls})
        ]
    if isinstance(t, mi.UnionType):
        return [u for member in t.types for u in _unbounded(member, where, seen)]
    if isinstance(t, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        own = [f"{where}: list without max_length"] if t.max_length is None else []
        return own + _unbounded(t.item_type, f"{where}[]", seen)
    if isinstance(t, mi.DictType):
        own = [f"{where}: object without max_length"] if t.max_length is None else []
        return own + _unbounded(t.value_type, f"{where}{{}}", seen)
    if isinstance(t, mi.StrType) and t.max_length is None and t.pattern is None:
        return [f"{where}: string without max_length"]
    return []


def _request_structs() -> list[type[Input]]:
    found, todo = set(), [Input]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_every_list_and_string_of_every_request_struct_is_bounded():
    structs = _request_structs()
    assert len(structs) > 10
    unbounded = [
        u for cls in structs for u in _unbounded(mi.type_info(cls), cls.__qualname__, frozenset())
    ]
    assert unbounded == []


def _sample(i: int = 0, **extra) -> dict:
    return {
        "timestamp": f"2026-11-10T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
        "heart_rate": 60,
        "source": "garmin",
        **extra,
    }


@pytest.mark.parametrize(
    "path, method, body, field",
    [
        (
            "/api/v1/biometrics/samples",
            "POST",
            {"samples": [_sample(i) for i in range(1001)]},
            "samples",
        ),
        (
            "/api/v1/biometrics/samples",
            "POST",
            {"samples": [_sample(rr_intervals_ms=[800.0] * 1201)]},
            "samples[0].rr_intervals_ms",
        ),
        (
            "/api/v1/biometrics/samples",
            "POST",
            {"samples": [_sample(source="x" * 65)]},
            "samples[0].source",
        ),
        ("/api/v1/users/me/preferences", "PUT", {"allergens": ["peanuts"] * 10_000}, "allergens"),
        (
            "/api/v1/users/me/preferences",
            "PATCH",
            {"notification_preferences": {"channels": ["push"] * 65}},
            "notification_preferences.channels",
        ),
        ("/api/v1/fridge/matches", "POST", {"ingredients": ["egg"] * 100_000}, "ingredients"),
        ("/api/v1/food/entries", "POST", {"food": "x" * 100_000, "grams": 10}, "food"),
        ("/api/v1/mood-check-ins", "POST", {"valence": 1, "note": "x" * 100_000}, "note"),
    ],
)
async def test_oversized_lists_and_strings_are_refused_while_decoding(
    api, client, path, method, body, field
):
    _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": True})
    r = await client.request(method, path, headers=headers, json=body)
    error = assert_error(r, 400, "PSI-VAL-1001")
    assert fields(error) == {field}, error


def streamed(
    client, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, bytes]:
    """One request straight through ASGI, its body in chunks and no content-length (on the
    test client's event loop, where the app's connections live)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "server": ("testserver.local", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in {**headers, **JSON}.items()],
    }
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    with client.portal() as portal:
        portal.call(client.app, scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


# Body size per route --------------------------------------------------------------------
async def test_body_size_limits_are_per_route(api, client):
    _, headers, _ = await api.user()
    big = b'{"name": "' + b"x" * (1_048_576 + 1) + b'"}'
    r = await client.patch("/api/v1/users/me", headers={**headers, **JSON}, content=big)
    assert_error(r, 413, "PSI-VAL-1013")

    # A streamed body without content-length is cut off at the limit too.
    chunks = [b'{"name": "', *[b"x" * 65_536] * 20, b'"}']
    status, answer = streamed(client, "PATCH", "/api/v1/users/me", headers, chunks)
    assert status == 413 and msgspec.json.decode(answer)["error"]["code"] == "PSI-VAL-1013", answer
    # Biometrics take up to 8 MiB (1,000 samples with beat-to-beat intervals): 2 MiB is
    # decoded and judged, not refused for its size.
    samples = [_sample(i, rr_intervals_ms=[800.0] * 600) for i in range(600)]
    body = msgspec.json.encode({"samples": samples})
    assert 2_000_000 < len(body) < 8 * 1_048_576
    r = await client.post("/api/v1/biometrics/samples", headers={**headers, **JSON}, content=body)
    assert r.status_code != 413 and r.status_code < 500, r.text


# Timeouts ---------------------------------------------------------------------------------
async def test_a_statement_over_the_timeout_is_a_503_not_a_hang(
    tmp_path, postgres_url, redis_url, clock
):
    """Every SQL statement carries the statement timeout (asyncpg `statement_timeout`):
    a request whose query waits on a lock is answered 503 PSI-SYS-5003, retryable."""
    settings = production_settings(tmp_path, postgres_url, redis_url, db_statement_timeout_ms=300)
    async with api_client(settings, clock) as client:
        _, headers, _ = await Api(client).user()
        locker = Database(postgres_url)
        try:
            async with locker.engine.connect() as conn:  # holds the lock until rollback
                await conn.execute(text("LOCK TABLE food_history IN ACCESS EXCLUSIVE MODE"))
                r = await client.get("/api/v1/food/history", headers=headers)
                await conn.rollback()
        finally:
            await locker.dispose()
        error = assert_error(r, 503, "PSI-SYS-5003")
        assert error["details"]["retryable"] is True
        assert (await client.get("/api/v1/food/history", headers=headers)).status_code == 200
