"""Manual entries and corrections are honest: a portion by name, never a silent null.

Both profiles, on the USDA catalogue Psi ships (embedded fills itself; production imports
it as an operator would)."""

from __future__ import annotations

import uuid

import anyio
import pytest

from adapters.sql.database import Database
from adapters.sql.nutrition_store import SqlNutritionStore
from domain.nutrition.food import DataType, Food, Portion, offline_food_id
from domain.nutrition.nutrients import Nutrients

pytestmark = pytest.mark.asyncio
ENTRIES = "/api/v1/food/entries"


@pytest.fixture
async def headers(usda_catalogue, api):
    _, headers, _ = await api.user()
    return headers


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code, body
    return body["error"]


async def test_a_portion_by_name_times_quantity(client, headers):
    r = await client.post(
        ENTRIES, headers=headers, json={"food": "banana", "portion": "medium", "quantity": 2}
    )
    assert r.status_code == 201, r.text
    entry = r.json()["data"]
    item = entry["detected_foods"][0]
    assert item["portion_grams"] == 236.0 and item["quantity"] == 2  # 2 x 118 g (USDA)
    assert entry["nutrition"]["calories"] == pytest.approx(89 * 2.36, rel=0.02)
    assert entry["models"]["nutrition_source"] == "usda_offline"


async def test_without_grams_one_typical_unit_per_quantity(client, headers):
    r = await client.post(ENTRIES, headers=headers, json={"food": "2 eggs", "quantity": 2})
    assert r.status_code == 201, r.text
    item = r.json()["data"]["detected_foods"][0]
    assert item["portion_grams"] == 100.0  # two large eggs, 50 g each


async def test_an_unknown_portion_is_400_listing_the_valid_ones(client, headers):
    error = assert_error(
        await client.post(ENTRIES, headers=headers, json={"food": "banana", "portion": "bucket"}),
        400,
        "PSI-VAL-1001",
    )
    [field] = error["details"]["errors"]
    assert field["field"] == "portion"
    assert "1 cup, sliced" in field["message"] and "medium" in field["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"food": "banana", "grams": 100, "portion": "medium"},
        {"food": "banana", "grams": 100, "quantity": 2},
        {"food": "banana", "quantity": 0},
        {"food": "banana", "portion": "medium", "quantity": 1000},
    ],
)
async def test_ambiguous_or_impossible_amounts_are_400(client, headers, body):
    assert_error(await client.post(ENTRIES, headers=headers, json=body), 400, "PSI-VAL-1001")


async def test_a_food_that_matches_nothing_is_422_with_suggestions_and_nothing_stored(
    client, headers
):
    error = assert_error(
        await client.post(ENTRIES, headers=headers, json={"food": "xqzzyv blorp", "grams": 100}),
        422,
        "PSI-FOOD-2006",
    )
    assert error["details"]["suggestions"] == []
    error = assert_error(
        await client.post(ENTRIES, headers=headers, json={"food": "banana xqzzyv", "grams": 100}),
        422,
        "PSI-FOOD-2006",
    )
    suggestions = error["details"]["suggestions"]
    assert suggestions and "banana" in suggestions[0]["name"].lower()
    assert set(suggestions[0]) == {"name", "fdc_id", "data_type", "confidence"}
    listed = (await client.get("/api/v1/food/history", headers=headers)).json()
    assert listed["meta"]["total"] == 0


async def test_a_correction_to_an_unknown_food_is_422_and_changes_nothing(client, headers):
    r = await client.post(ENTRIES, headers=headers, json={"food": "apple", "grams": 150})
    entry = r.json()["data"]
    path = f"/api/v1/food/history/{entry['id']}"
    assert_error(
        await client.patch(
            path,
            headers=headers,
            json={
                "detected_foods": [
                    {"food": "banana", "portion_grams": 100},
                    {"food": "xqzzyv", "portion_grams": 100},
                ]
            },
        ),
        422,
        "PSI-FOOD-2006",
    )
    after = (await client.get(path, headers=headers)).json()["data"]
    assert after["corrected"] is False and after["nutrition"] == entry["nutrition"]


async def test_a_food_imported_while_the_api_runs_is_found_and_priced(client, headers, settings):
    """Issue 15 item 6: asked for before the import, found after it, in the same process."""
    name = f"Zqkumquats {uuid.uuid4().hex[:6]}, raw"
    query = name.split(",")[0]
    r = await client.post(ENTRIES, headers=headers, json={"food": query, "grams": 50})
    assert_error(r, 422, "PSI-FOOD-2006")
    search = await client.get("/api/v1/nutrition/foods", headers=headers, params={"q": query})
    assert search.json()["data"] == []

    db = Database(settings.sql_url)  # `psi data import-usda` in another process
    try:
        await SqlNutritionStore(db).upsert_many(
            [
                Food(
                    id=offline_food_id(DataType.SR_LEGACY, name),
                    name=name,
                    data_type=DataType.SR_LEGACY,
                    per_100g=Nutrients(calories=71.0),
                    portion=Portion(19.0, "1 fruit"),
                    portions=(Portion(19.0, "1 fruit"),),
                )
            ]
        )
    finally:
        await db.dispose()
    await anyio.sleep(1.2)  # a miss is remembered for one second at most

    search = await client.get("/api/v1/nutrition/foods", headers=headers, params={"q": query})
    assert [f["name"] for f in search.json()["data"]] == [name]
    r = await client.post(
        ENTRIES, headers=headers, json={"food": query, "portion": "fruit", "quantity": 2}
    )
    assert r.status_code == 201, r.text
    entry = r.json()["data"]
    assert entry["nutrition"]["calories"] == pytest.approx(71.0 * 0.38, abs=0.1)
