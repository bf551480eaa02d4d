"""Text shown back to people is plain text; NUL and other control characters are 400 on
every text field, in both profiles; look-alike emails are one account (issue 19)."""

from __future__ import annotations

import uuid

import pytest

from tests.api.recipes_support import ensure_catalogue
from tests.api.test_identity import assert_error

CONTROL = ["nul\u0000here", "esc\u001b[31m", "del\u007f", "c1\u0085"]


@pytest.mark.parametrize("bad", CONTROL)
async def test_control_characters_are_400_in_every_text_field(api, client, bad):
    _, headers, _ = await api.user()
    calls = [
        (
            "POST",
            "/api/v1/auth/register",
            {"email": "x@example.com", "password": "Sup3rSecret!", "name": bad},
        ),
        (
            "POST",
            "/api/v1/auth/register",
            {"email": f"x{bad}@example.com", "password": "Sup3rSecret!", "name": "X"},
        ),
        ("POST", "/api/v1/auth/login", {"email": "x@example.com", "password": bad}),
        ("PATCH", "/api/v1/users/me", {"name": bad}),
        ("POST", "/api/v1/mood-check-ins", {"valence": 1, "note": bad}),
        ("POST", "/api/v1/food/entries", {"food": bad, "grams": 100}),
        ("PUT", "/api/v1/users/me/preferences", {"disliked_ingredients": [bad]}),
    ]
    for method, path, body in calls:
        r = await client.request(method, path, json=body, headers=headers)
        assert_error(r, 400, "PSI-VAL-1001")
    me = (await client.get("/api/v1/users/me", headers=headers)).json()["data"]
    assert "\u0000" not in me["name"] and me["name"] == "Test User"  # nothing changed


async def test_markup_is_stripped_from_what_is_shown_back(settings, api, client):
    await ensure_catalogue(settings)
    _, headers, _ = await api.user()
    r = await client.patch(
        "/api/v1/users/me", headers=headers, json={"name": "<b>Ann</b> <script>x()</script>"}
    )
    assert r.status_code == 200 and r.json()["data"]["name"] == "Ann x()"
    r = await client.post(
        "/api/v1/mood-check-ins",
        headers=headers,
        json={"valence": 1, "note": "<i>slept</i> well\n<img src=x>ok"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["note"] == "slept well\nok"
    recipe = (await client.get("/api/v1/recipes", headers=headers)).json()["data"][0]
    url = f"/api/v1/recipes/{recipe['id']}/rating"
    r = await client.put(
        url,
        headers=headers,
        json={
            "rating": 5,
            "comment": "<a href='javascript:x'>Lovely</a> &amp; quick",
            "tags": ["<b>Quick</b>", "kids"],
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()["data"]
    assert body["comment"] == "Lovely & quick"
    assert body["tags"] == ["quick", "kids"]
    r = await client.put(url, headers=headers, json={"rating": 5, "tags": ["a\u0000"]})
    assert_error(r, 400, "PSI-VAL-1001")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "spell",
    [str.upper, _full_width, lambda e: e.replace("@", "\u200b@"), lambda e: "al\u00ad" + e[2:]],
)
async def test_look_alike_emails_are_the_same_account(api, client, spell):
    email = f"alice{uuid.uuid4().hex[:8]}@example.com"
    first = await api.register(email=email)
    other = spell(email)
    assert other != email
    r = await client.post(
        "/api/v1/auth/register", json={"email": other, "password": "Sup3rSecret!", "name": "B"}
    )
    assert_error(r, 409, "PSI-AUTH-1005")
    tokens = await api.login(other, first["password"])  # the owner, typed either way
    assert tokens["access_token"]


async def test_mixed_script_look_alikes_are_refused(api, client):
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": "\u0430lice@example.com", "password": "Sup3rSecret!", "name": "B"},
    )
    assert_error(r, 400, "PSI-VAL-1001")
