"""GET /recommendations through HTTP: reasons, safety, the wellness label, the emotion feed."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from adapters.sql.database import Database
from adapters.sql.wellness_series import SqlEmotionSeries
from domain.wellness.emotion import Emotion
from domain.wellness.samples import Source
from domain.wellness.series import EmotionPoint
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
async def test_reasons_follow_the_current_emotional_state(ready, api, client, clock, settings):
    """The current state is read from the wellness area's emotion series: a stressed
    reading, then a fatigued one, change what is recommended and why."""
    user, headers, _ = await api.user()
    before = (await client.get(URL, headers=headers)).json()["data"]
    assert before[0]["based_on_emotion"] == "unknown"

    db = Database(settings.sql_url)
    try:
        series = SqlEmotionSeries(db)
        reasons = {}
        for minutes, emotion in ((20, Emotion.STRESSED), (10, Emotion.FATIGUED)):
            await series.add([EmotionPoint(
                user_id=uuid.UUID(user["id"]), timestamp=clock.now() - timedelta(minutes=minutes),
                source=Source.APPLE_WATCH, heart_rate=95.0, hrv_rmssd=15.0, hrv_sdnn=20.0,
                pnn50=3.0, stress_score=80, emotion=emotion, confidence=0.8)])
            items = (await client.get(URL, headers=headers)).json()["data"]
            assert {i["based_on_emotion"] for i in items} == {emotion.value}
            assert any(emotion.value in i["reason"] for i in items)
            reasons[emotion] = [i["reason"] for i in items]
    finally:
        await db.dispose()
    assert reasons[Emotion.STRESSED] != reasons[Emotion.FATIGUED]
    assert reasons[Emotion.STRESSED] != [i["reason"] for i in before]
