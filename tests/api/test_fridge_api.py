"""POST /fridge/matches through HTTP."""

from __future__ import annotations

import pytest

from tests.api.recipes_support import ensure_catalogue

URL = "/api/v1/fridge/matches"


@pytest.fixture
async def ready(settings):
    await ensure_catalogue(settings)


async def test_ranked_matches_with_matched_and_missing(ready, api, client):
    _, headers, _ = await api.user()
    r = await client.post(
        URL, headers=headers, json={"ingredients": ["3 eggs", "Milk", "plain flour"], "limit": 15}
    )
    assert r.status_code == 200, r.text
    items = r.json()["data"]
    assert 0 < len(items) <= 15
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    titles = [i["recipe"]["title"].lower() for i in items]
    assert any("pancake" in t or "crêpe" in t for t in titles)
    assert not any("curry" in t for t in titles)
    for item in items:
        assert set(item["matched_ingredients"]) <= {"egg", "milk", "flour"}
        assert item["recipe"]["attribution"]["license"] == "CC BY-SA 4.0"
        assert not set(item["matched_ingredients"]) & set(item["missing_ingredients"])


async def test_allergens_diets_and_dislikes_are_respected(ready, api, client):
    _, headers, _ = await api.user()
    fridge = {
        "ingredients": ["eggs", "milk", "flour", "butter", "bacon", "shrimp", "sugar"],
        "limit": 50,
    }
    before = (await client.post(URL, headers=headers, json=fridge)).json()["data"]
    assert any("eggs" in i["recipe"]["allergens"] for i in before)
    r = await client.put(
        "/api/v1/users/me/preferences",
        headers=headers,
        json={
            "allergens": ["eggs", "crustaceans"],
            "dietary_restrictions": ["vegetarian"],
            "disliked_foods": ["sugar"],
        },
    )
    assert r.status_code == 200, r.text
    after = (await client.post(URL, headers=headers, json=fridge)).json()["data"]
    assert after
    for item in after:
        recipe = item["recipe"]
        assert not {"eggs", "crustaceans"} & set(recipe["allergens"])
        assert "vegetarian" in recipe["diets"]
        assert "sugar" not in recipe["ingredient_names"]


async def test_unverified_recipes_are_offered_only_without_restrictions(ready, api, client):
    """Fail closed: a recipe with a line nobody can check is never offered under a filter."""
    _, headers, _ = await api.user()
    # Spice rubs of unknown make-up unverify the barbecue recipes that use them.
    fridge = {
        "ingredients": ["pork", "chicken", "beef", "brown sugar", "paprika", "garlic", "onion"],
        "limit": 50,
    }
    before = (await client.post(URL, headers=headers, json=fridge)).json()["data"]
    unverified = set()
    for item in before:
        r = await client.get(f"/api/v1/recipes/{item['recipe']['id']}", headers=headers)
        if r.json()["data"]["unverified_lines"]:
            unverified.add(item["recipe"]["id"])
    assert unverified, "the fridge should reach some unverified recipe"
    r = await client.put(
        "/api/v1/users/me/preferences", headers=headers, json={"allergens": ["lupin"]}
    )
    assert r.status_code == 200, r.text
    after = (await client.post(URL, headers=headers, json=fridge)).json()["data"]
    assert after and not unverified & {i["recipe"]["id"] for i in after}


@pytest.mark.parametrize(
    "body",
    [
        {"ingredients": []},
        {"ingredients": ["egg"], "limit": 0},
        {"ingredients": ["egg"], "limit": 51},
        {"ingredients": ["x" * 101]},
        {"ingredients": ["egg"], "extra": True},
        {},
        {"ingredients": ["egg"] * 101},
    ],
)
async def test_bad_bodies_are_400(ready, api, client, body):
    _, headers, _ = await api.user()
    r = await client.post(URL, headers=headers, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "PSI-VAL-1001"


async def test_nothing_known_matches_nothing(ready, api, client):
    _, headers, _ = await api.user()
    r = await client.post(URL, headers=headers, json={"ingredients": ["unobtainium"]})
    assert r.status_code == 200 and r.json()["data"] == []
    assert (await client.post(URL, json={"ingredients": ["egg"]})).status_code == 401
