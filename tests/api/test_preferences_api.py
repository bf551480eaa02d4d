"""GET/PUT/PATCH /users/me/preferences through HTTP, in both profiles."""

from __future__ import annotations

import pytest

URL = "/api/v1/users/me/preferences"


async def test_defaults_then_put_then_patch_merge(api, client):
    _, headers, _ = await api.user()
    r = await client.get(URL, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()["data"]
    assert body["allergens"] == [] and body["ui_preferences"]["theme"] == "system"
    assert body["updated_at"] is None

    r = await client.put(
        URL,
        headers=headers,
        json={
            "allergens": ["peanuts", "milk"],
            "dietary_restrictions": ["vegetarian"],
            "disliked_foods": ["Olives"],
            "ui_preferences": {"theme": "dark", "units": "imperial"},
            "notification_preferences": {"meal_reminders": False},
        },
    )
    assert r.status_code == 200, r.text
    put = r.json()["data"]
    assert put["allergens"] == ["milk", "peanuts"]
    assert put["disliked_foods"] == ["olives"]
    assert put["updated_at"].endswith("Z")

    r = await client.patch(
        URL,
        headers=headers,
        json={
            "allergens": ["sesame"],
            "ui_preferences": {"units": "metric"},
            "notification_preferences": {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00"},
        },
    )
    assert r.status_code == 200, r.text
    patched = r.json()["data"]
    assert patched["allergens"] == ["sesame"]
    assert patched["dietary_restrictions"] == ["vegetarian"]
    assert patched["ui_preferences"] == {**put["ui_preferences"], "units": "metric"}
    assert patched["notification_preferences"]["meal_reminders"] is False
    assert patched["notification_preferences"]["quiet_hours_start"] == "22:00"

    r = await client.patch(
        URL, headers=headers, json={"dietary_restrictions": None, "ui_preferences": {"theme": None}}
    )
    assert r.status_code == 200
    reset = r.json()["data"]
    assert reset["dietary_restrictions"] == []
    assert reset["ui_preferences"]["theme"] == "system"
    assert reset["ui_preferences"]["units"] == "metric"

    r = await client.get(URL, headers=headers)
    assert r.json()["data"] == {**reset, "updated_at": reset["updated_at"]}


@pytest.mark.parametrize(
    "body",
    [
        {"allergens": ["shellfish"]},
        {"dietary_restrictions": ["paleo"]},
        {"wellness_goals": ["get_rich"]},
        {"preferred_cuisines": ["klingon"]},
        {"ui_preferences": {"theme": "neon"}},
        {"ui_preferences": {"timezone": "Mars/Base"}},
        {"notification_preferences": {"quiet_hours_start": "9pm"}},
        {"colour": "blue"},
        {"ui_preferences": {"font_size": 3}},
    ],
)
async def test_values_outside_the_vocabularies_are_400(api, client, body):
    _, headers, _ = await api.user()
    for method in (client.put, client.patch):
        r = await method(URL, headers=headers, json=body)
        assert r.status_code == 400, (method, r.text)
        assert r.json()["error"]["code"] == "PSI-VAL-1001"
    r = await client.get(URL, headers=headers)
    assert r.json()["data"]["allergens"] == []


async def test_preferences_are_private_and_need_a_token(api, client):
    _, alice, _ = await api.user()
    _, bob, _ = await api.user()
    await client.put(URL, headers=alice, json={"allergens": ["fish"]})
    assert (await client.get(URL, headers=bob)).json()["data"]["allergens"] == []
    assert (await client.get(URL)).status_code == 401


@pytest.mark.mongo
async def test_production_with_mongo_keeps_preferences_and_ratings_there(
    tmp_path, postgres_url, redis_url, mongo_uri, clock
):
    """Production + MongoDB: preferences and ratings live in Mongo, cached in Redis."""
    from pymongo import AsyncMongoClient

    from tests.api.recipes_support import ensure_catalogue
    from tests.support.app import Api, api_client, production_settings

    settings = production_settings(tmp_path, postgres_url, redis_url, mongodb_uri=mongo_uri)
    await ensure_catalogue(settings)
    async with api_client(settings, clock) as client:
        api = Api(client)
        user, headers, _ = await api.user()
        r = await client.patch(URL, headers=headers, json={"allergens": ["milk"]})
        assert r.status_code == 200, r.text
        assert (await client.get(URL, headers=headers)).json()["data"]["allergens"] == ["milk"]
        recipe = (
            await client.get("/api/v1/recipes", headers=headers, params={"q": "pancakes"})
        ).json()["data"][0]
        r = await client.put(
            f"/api/v1/recipes/{recipe['id']}/rating", headers=headers, json={"rating": 5}
        )
        assert r.status_code == 200, r.text
    mongo = AsyncMongoClient(mongo_uri, tz_aware=True)
    try:
        db = mongo[settings.mongodb_database]
        stored = await db["user_preferences"].find_one({"user_id": user["id"]})
        assert stored["allergens"] == ["milk"]
        assert await db["recipe_ratings"].count_documents({"user_id": user["id"]}) == 1
    finally:
        await mongo.drop_database(settings.mongodb_database)
        await mongo.close()
