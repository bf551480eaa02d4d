"""The server refuses what its OpenAPI document forbids and states what it enforces: the
findings schemathesis made from outside (issue 17 item 7), one test each."""

from __future__ import annotations

import pytest

from entrypoints.http.openapi_polish import URL_TEXT_PATTERN


async def test_a_patch_of_preferences_refuses_what_the_schema_forbids(api, client):
    _, headers, _ = await api.user()
    r = await client.patch(
        "/api/v1/users/me/preferences",
        headers=headers,
        json={"notification_preferences": {"weekly_summary": 0}},  # a number, not a boolean
    )
    assert r.status_code == 400, r.text
    errors = r.json()["error"]["details"]["errors"]
    assert errors[0]["field"] == "notification_preferences.weekly_summary"


async def test_a_number_is_not_a_timestamp(api, client):
    _, headers, _ = await api.user()
    r = await client.post(
        "/api/v1/food/entries", headers=headers, json={"food": "banana", "eaten_at": 0}
    )
    assert r.status_code == 400, r.text
    r = await client.get("/api/v1/emotions", headers=headers, params={"to": "0.5"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["details"]["errors"][0]["field"] == "to"


async def test_a_whole_number_written_as_a_float_is_still_an_integer(api, client):
    _, headers, _ = await api.user()
    r = await client.post("/api/v1/mood-check-ins", headers=headers, json={"valence": 1.0})
    assert r.status_code == 201, r.text


async def test_options_names_every_method_of_the_path(api, client):
    _, headers, _ = await api.user()
    r = await client.options(
        "/api/v1/food/history/3fa85f64-5717-4562-b3fc-2c963f66afa6", headers=headers
    )
    assert r.status_code == 204
    assert r.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"
    r = await client.options("/api/v1/users/me/preferences", headers=headers)
    assert r.headers["allow"] == "GET, OPTIONS, PATCH, PUT"


@pytest.mark.parametrize(
    "raw", ["0", "3fa85f645717456 2b3fc2c963f66afa6", "{3fa85f64-5717-4562-b3fc-2c963f66afa6}"]
)
async def test_a_path_id_is_the_uuid_the_document_states(api, client, raw):
    _, headers, _ = await api.user()
    r = await client.get(f"/api/v1/food/history/{raw}", headers=headers)
    assert r.status_code == 400, r.text


async def test_the_document_states_vocabularies_patterns_and_closed_bodies(client):
    doc = (await client.get("/openapi.json")).json()
    history = doc["paths"]["/api/v1/food/history"]["get"]["parameters"]
    sort = next(p for p in history if p["name"] == "sort")["schema"]
    assert "-created_at" in sort["enum"] and "calories" in sort["enum"]
    entry = doc["paths"]["/api/v1/food/history/{entry_id}"]["get"]["parameters"][0]["schema"]
    assert entry["format"] == "uuid" and entry["pattern"].startswith("^[0-9a-fA-F]{8}-")
    components = doc["components"]["schemas"]
    assert components["PreferencesIn"]["additionalProperties"] is False
    sample = components["SampleIn"]["properties"]
    assert sample["heart_rate"]["minimum"] == 25 and sample["heart_rate"]["maximum"] == 250
    assert "apple_watch" in sample["source"]["enum"]
    # a constraint Litestar drops on an optional field comes back from msgspec's schema
    assert components["ManualEntryIn"]["properties"]["grams"]["exclusiveMinimum"] == 0
    nutrition = doc["paths"]["/api/v1/nutrition/foods"]["get"]["parameters"]
    assert next(p for p in nutrition if p["name"] == "q")["schema"]["pattern"] == URL_TEXT_PATTERN
