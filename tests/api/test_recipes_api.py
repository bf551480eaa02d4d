"""GET /recipes, GET /recipes/{id}, PUT/DELETE /recipes/{id}/rating through HTTP."""

from __future__ import annotations

import uuid

import pytest

from tests.api.recipes_support import ensure_catalogue


@pytest.fixture
async def ready(settings):
    await ensure_catalogue(settings)


async def find(client, headers, q: str) -> dict:
    r = await client.get("/api/v1/recipes", headers=headers, params={"q": q})
    assert r.status_code == 200, r.text
    return r.json()["data"][0]


async def test_browse_search_and_filters(ready, api, client):
    _, headers, _ = await api.user()
    r = await client.get("/api/v1/recipes", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["total"] == 3129 and len(body["data"]) == 20
    assert body["links"]["next"] == "/api/v1/recipes?page=2&per_page=20"

    r = await client.get(
        "/api/v1/recipes",
        headers=headers,
        params={"q": "curry", "diet": "vegan", "max_minutes": 60, "per_page": 5},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["total"] > 0
    for item in body["data"]:
        assert "vegan" in item["diets"] and not {"milk", "eggs"} & set(item["allergens"])
        assert item["total_minutes"] <= 60
    assert "diet=vegan" in body["links"]["first"] and "q=curry" in body["links"]["first"]

    r = await client.get("/api/v1/recipes", headers=headers, params={"cuisine": "nigerian"})
    assert all(i["cuisine"] == "nigerian" for i in r.json()["data"])

    for bad in (
        {"diet": "carnivore"},
        {"cuisine": "martian"},
        {"per_page": 500},
        {"max_minutes": 0},
    ):
        r = await client.get("/api/v1/recipes", headers=headers, params=bad)
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["error"]["code"] == "PSI-VAL-1001"


async def test_one_recipe_has_everything_and_its_attribution(ready, api, client):
    _, headers, _ = await api.user()
    summary = await find(client, headers, "pancakes north american")
    r = await client.get(f"/api/v1/recipes/{summary['id']}", headers=headers)
    assert r.status_code == 200, r.text
    recipe = r.json()["data"]
    assert recipe["title"] == "Pancakes (North American)"
    assert recipe["steps"] and recipe["ingredients"]
    flour = next(i for i in recipe["ingredients"] if i["name"] == "flour")
    assert flour["quantity"] and flour["unit"]
    assert {"gluten", "eggs", "milk"} <= set(recipe["allergens"])
    attribution = recipe["attribution"]
    assert attribution["license"] == "CC BY-SA 4.0"
    assert attribution["source_url"].startswith("https://en.wikibooks.org/wiki/Cookbook:")
    assert recipe["average_rating"] is None and recipe["rating_count"] == 0
    assert "nutrition" in recipe
    # Second wave: servings, honest nutrition, coverage, safety fields.
    assert recipe["servings"] is None or recipe["servings"] > 0
    coverage = recipe["nutrition_coverage"]
    assert coverage is None or 0 <= coverage <= 1
    per_serving = recipe["nutrition_per_serving"]
    if per_serving is not None:
        assert recipe["servings"] and coverage >= 0.85 and per_serving["calories"] >= 0
    assert recipe["nutrition"] == per_serving
    assert recipe["unverified_lines"] == []
    assert "vegan" not in recipe["diets"] and "dairy_free" not in recipe["diets"]

    assert (await client.get(f"/api/v1/recipes/{uuid.uuid4()}", headers=headers)).status_code == 404
    r = await client.get("/api/v1/recipes/not-a-uuid", headers=headers)
    assert r.status_code == 400


async def test_rating_upsert_average_and_delete(ready, api, client):
    _, alice, _ = await api.user()
    _, bob, _ = await api.user()
    recipe = await find(client, alice, "crepes")
    url = f"/api/v1/recipes/{recipe['id']}/rating"

    r = await client.put(url, headers=alice, json={"rating": 2})
    assert r.status_code == 200, r.text
    first = r.json()["data"]
    r = await client.put(
        url,
        headers=alice,
        json={
            "rating": 4,
            "comment": "Better with lemon",
            "tags": ["quick", "Kids"],
            "preparation_time_actual": 25,
            "difficulty_actual": 2,
        },
    )
    assert r.status_code == 200, r.text
    second = r.json()["data"]
    assert second["rating"] == 4 and second["created_at"] == first["created_at"]
    assert second["tags"] == ["quick", "kids"]
    assert (await client.put(url, headers=bob, json={"rating": 5})).status_code == 200

    detail = (await client.get(f"/api/v1/recipes/{recipe['id']}", headers=bob)).json()["data"]
    assert (detail["average_rating"], detail["rating_count"]) == (4.5, 2)

    assert (await client.delete(url, headers=alice)).status_code == 204
    assert (await client.delete(url, headers=alice)).status_code == 204
    detail = (await client.get(f"/api/v1/recipes/{recipe['id']}", headers=bob)).json()["data"]
    assert (detail["average_rating"], detail["rating_count"]) == (5.0, 1)

    for bad in (
        {"rating": 0},
        {"rating": 6},
        {"rating": 2.5},
        {},
        {"rating": 3, "stars": 3},
        {"rating": 3, "difficulty_actual": 9},
    ):
        r = await client.put(url, headers=alice, json=bad)
        assert r.status_code == 400, (bad, r.text)
    missing = f"/api/v1/recipes/{uuid.uuid4()}/rating"
    assert (await client.put(missing, headers=alice, json={"rating": 3})).status_code == 404
    assert (await client.put(url, json={"rating": 3})).status_code == 401


async def test_the_openapi_document_describes_the_second_wave_fields(client):
    spec = (await client.get("/openapi.json")).json()
    recipe = spec["components"]["schemas"]["RecipeOut"]
    for field in (
        "servings",
        "nutrition_per_serving",
        "nutrition_coverage",
        "allergens",
        "diets",
        "unverified_lines",
    ):
        assert field in recipe["properties"], field


@pytest.mark.parametrize("profile", ["embedded"])
async def test_the_embedded_profile_prices_recipes_from_its_usda_data(ready, api, client):
    """Blackberry Mush states every weight and 4 servings: 100 g blackberries (43 kcal per
    100 g in USDA SR Legacy), 80 g sugar (387), 20 g cornstarch (381), water: 107 kcal."""
    _, headers, _ = await api.user()
    summary = await find(client, headers, "blackberry mush")
    recipe = (await client.get(f"/api/v1/recipes/{summary['id']}", headers=headers)).json()["data"]
    assert recipe["servings"] == 4 and recipe["nutrition_coverage"] == 1.0
    assert recipe["nutrition_per_serving"]["calories"] == pytest.approx(107, rel=0.15)
