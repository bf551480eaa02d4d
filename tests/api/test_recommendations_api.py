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
    await client.put(
        "/api/v1/users/me/preferences",
        headers=headers,
        json={"wellness_goals": ["gut_health", "more_energy"], "allergens": ["gluten"]},
    )
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


def z(dt) -> str:
    return dt.isoformat().replace("+00:00", "Z")


async def post_minutes(client, headers, end, **values):
    samples = [
        {"timestamp": z(end - timedelta(minutes=m)), "source": "garmin", **values}
        for m in range(10, 0, -1)
    ]
    r = await client.post("/api/v1/biometrics/samples", json={"samples": samples}, headers=headers)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("profile", ["embedded"])
async def test_reasons_follow_the_current_emotional_state(ready, api, client, clock):
    """The current state and its confidence are exactly what /emotions/current says; an
    uncertain reading is worded as uncertain, never "You seem stressed"."""
    _, headers, _ = await api.user(consents={"biometrics": True, "food_photos": False})
    before = (await client.get(URL, headers=headers)).json()["data"]
    assert before[0]["based_on_emotion"] == "unknown"

    reasons = {}
    for label, values in (
        ("stressed", {"heart_rate": 92, "hrv_rmssd": 14.0}),
        ("active", {"heart_rate": 118, "hrv_rmssd": 10.0, "activity": "run", "steps": 160}),
    ):
        clock.advance(minutes=11)
        await post_minutes(client, headers, clock.now(), **values)
        current = (await client.get("/api/v1/emotions/current", headers=headers)).json()["data"]
        assert current["emotion"] == label
        items = (await client.get(URL, headers=headers)).json()["data"]
        assert {i["based_on_emotion"] for i in items} == {label}
        assert {i["based_on_confidence"] for i in items} == {current["confidence"]}
        on_state = [i for i in items if i["rule"].startswith(("stressed", "active"))]
        assert on_state and {i["confidence"] for i in on_state} == {current["confidence"]}
        reasons[label] = [i["reason"] for i in on_state]
    # a cold start: the stress reading is unsure and says so
    assert all(
        r.startswith("Your readings hint that you might be stressed") and "uncertain" in r
        for r in reasons["stressed"]
    )
    assert not any("You seem" in r for r in reasons["stressed"])
    # the device said "run": movement, said plainly
    assert all(r.startswith("You seem to be moving") for r in reasons["active"])
