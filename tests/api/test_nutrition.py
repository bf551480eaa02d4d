"""GET /api/v1/nutrition/foods through HTTP, in both profiles, on the real USDA data."""

from __future__ import annotations

import pytest

from domain.nutrition.text import head_tokens

pytestmark = pytest.mark.asyncio
URL = "/api/v1/nutrition/foods"


@pytest.fixture
async def headers(usda_catalogue, api):
    _, headers, _ = await api.user()
    return headers


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code, body
    return body["error"]


async def test_search_finds_the_plain_food_with_nutrients_per_100g(client, headers):
    for query, head in [
        ("apple", ["apple"]),
        ("banana", ["banana"]),
        ("broccoli", ["broccoli"]),
        ("pizza", ["pizza"]),
        ("coffee", ["coffee"]),
    ]:
        r = await client.get(URL, params={"q": query}, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        first = body["data"][0]
        assert head_tokens(first["name"]) == head, (query, first["name"])
        assert set(first) == {
            "id",
            "fdc_id",
            "ndb_number",
            "name",
            "data_type",
            "category",
            "match_confidence",
            "nutrients",
            "portions",
            "default_portion",
        }
        assert "fdc_id" in first and first["data_type"] in {
            "foundation",
            "sr_legacy",
            "survey_fndds",
        }
        n = first["nutrients"]
        assert n["calories"] is not None and n["calories"] >= 0
        assert set(n) == {
            "calories",
            "protein_g",
            "carbs_g",
            "fat_g",
            "fiber_g",
            "sugar_g",
            "vitamins",
            "minerals",
            "lipids",
        }
        confidences = [item["match_confidence"] for item in body["data"]]
        assert confidences == sorted(confidences, reverse=True)
        assert 0 < confidences[0] <= 1

    r = await client.get(URL, params={"q": "broccoli"}, headers=headers)
    broccoli = r.json()["data"][0]
    assert broccoli["name"] == "Broccoli, raw"
    assert broccoli["default_portion"] == {"name": "1 cup chopped", "grams": 91.0}
    assert {"name": "1 NLEA serving", "grams": 148.0} in broccoli["portions"]
    assert broccoli["nutrients"]["vitamins"]["vitamin_c_mg"] > 50


@pytest.mark.parametrize(
    ("query", "words", "grams", "kcal"),
    [
        # USDA SR Legacy: NDB 09040 banana 89 kcal, medium 118 g; 20045 rice cooked 130 kcal,
        # cup 158 g; 05064 chicken breast roasted 165 kcal; 01123 egg 143 kcal, large 50 g.
        ("banana", ("banana", "raw"), 118.0, 89.0),
        ("rice", ("rice", "white", "cooked"), 158.0, 130.0),
        ("chicken breast", ("chicken", "breast", "cooked"), None, 165.0),
        ("2 eggs", ("egg", "whole"), 50.0, 143.0),
    ],
)
async def test_the_first_item_is_the_food_a_person_means(
    client, headers, query, words, grams, kcal
):
    r = await client.get(URL, params={"q": query}, headers=headers)
    first = r.json()["data"][0]
    assert all(w in first["name"].lower() for w in words), first["name"]
    assert first["nutrients"]["calories"] == pytest.approx(kcal, rel=0.15)
    if grams is not None:
        assert first["default_portion"]["grams"] == pytest.approx(grams, rel=0.1)
    assert first["default_portion"]["name"]


async def test_keyed_foods_carry_their_ids(client, headers):
    r = await client.get(URL, params={"q": "banana"}, headers=headers)
    banana = r.json()["data"][0]
    assert banana["name"] == "Bananas, raw"
    assert banana["ndb_number"] == "09040" and banana["fdc_id"] == 173944


async def test_pages_and_links_keep_the_query(client, headers):
    r = await client.get(URL, params={"q": "apple", "page": 2, "per_page": 5}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["data"]) == 5
    meta, links = body["meta"], body["links"]
    assert (meta["page"], meta["per_page"]) == (2, 5) and meta["total"] > 10
    assert links["prev"] == f"{URL}?q=apple&page=1&per_page=5"
    assert links["next"] == f"{URL}?q=apple&page=3&per_page=5"
    first_page = (
        await client.get(URL, params={"q": "apple", "per_page": 5}, headers=headers)
    ).json()["data"]
    assert {f["id"] for f in first_page}.isdisjoint(f["id"] for f in body["data"])


async def test_unknown_food_is_an_empty_list(client, headers):
    r = await client.get(URL, params={"q": "xqzzyv"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == [] and r.json()["meta"]["total"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "!!!"},
        {"q": "apple", "per_page": 101},
        {"q": "apple", "page": 0},
        {"q": "x" * 101},
    ],
)
async def test_bad_queries_are_400(client, headers, params):
    assert_error(await client.get(URL, params=params, headers=headers), 400, "PSI-VAL-1001")


async def test_search_needs_a_token(client, usda_catalogue):
    assert_error(await client.get(URL, params={"q": "apple"}), 401, "PSI-AUTH-1001")
