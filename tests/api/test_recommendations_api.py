"""GET /recommendations through HTTP: reasons, safety, the wellness label, the emotion feed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.recipes_support import ensure_catalogue

URL = "/api/v1/recommendations"


@pytest.fixture
async def ready(settings):
    await ensure_catalogue(settings)


async def test_every_item_has_a_reason_and_the_wellness_label(ready, api, client):
    _, headers, _ = await api.user()
    await client.put("/api/v1/users/me/preferences", headers=headers, json={
        "wellness_goals": ["gut_health", "more_energy"], "allergens": ["gluten"]})
    r = await client.get(URL, headers=headers)
    assert r.status_code == 200, r.text
    items = r.json()["data"]
    assert items
    for item in items:
        assert item["kind"] in {"recipe", "food", "nutrient", "habit"}
        assert item["title"] and len(item["reason"]) > 20
        assert "not medical advice" in item["disclaimer"]
        if item["kind"] == "recipe":
            assert item["recipe"] and "gluten" not in item["recipe"]["allergens"]
    assert items[0]["based_on_emotion"] == "unknown"
    assert any(i["rule"] == "goal.gut_health" for i in items)
    assert (await client.get(URL, headers=headers, params={"limit": 0})).status_code == 400
    assert (await client.get(URL)).status_code == 401


@pytest.mark.parametrize("profile", ["embedded"])
async def test_reasons_follow_the_current_emotional_state(ready, api, client, clock):
    """With biometrics flowing in, the current state (from the wellness area) changes what
    is recommended and why."""
    _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
    before = (await client.get(URL, headers=headers)).json()["data"]
    assert before[0]["based_on_emotion"] == "unknown"
    now = clock.now()
    samples = [{"timestamp": (now - timedelta(seconds=30 * (40 - i))).isoformat()
                .replace("+00:00", "Z"), "heart_rate": 118, "hrv_rmssd": 9.0,
                "hrv_sdnn": 12.0, "source": "apple_watch"} for i in range(40)]
    r = await client.post("/api/v1/biometrics/samples", headers=headers,
                          json={"samples": samples})
    if r.status_code == 404:
        pytest.skip("the biometrics endpoint is not wired in yet")
    assert r.status_code == 201, r.text
    current = await client.get("/api/v1/emotions/current", headers=headers)
    emotion = current.json()["data"]["emotion"] if current.status_code == 200 else "unknown"
    after = (await client.get(URL, headers=headers)).json()["data"]
    assert after[0]["based_on_emotion"] == emotion
    if emotion != "unknown":
        assert [i["reason"] for i in after] != [i["reason"] for i in before]
