"""Issue 6 end to end: a user with data in every feature and every store (Postgres, Redis,
a MongoDB wire peer, the image directory) is exported, deleted, and purged; another user's
data is untouched."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.clock import ManualClock
from entrypoints.cli_recipes import import_recipes_command
from entrypoints.jobs.privacy import run_purge
from tests.support.app import Api, api_client, production_settings
from tests.support.scan import scan_for_user

FRUITS = Path(__file__).resolve().parents[1] / "fixtures" / "images" / "fruits.jpg"
pytestmark = pytest.mark.slow


async def _fill_every_feature(client, api: Api) -> tuple[dict, dict[str, str]]:
    user, headers, _ = await api.user(consents={"biometrics": True, "food_photos": True})
    now = datetime.now(UTC).replace(microsecond=0)
    samples = [
        {
            "timestamp": (now - timedelta(minutes=i)).isoformat().replace("+00:00", "Z"),
            "heart_rate": 62 + i % 5,
            "hrv_rmssd": 48.0 + i % 7,
            "source": "apple_watch",
        }
        for i in range(1, 30)
    ]
    steps = [
        ("POST", "/api/v1/biometrics/samples", {"samples": samples}, 201),
        ("POST", "/api/v1/mood-check-ins", {"valence": 1, "arousal": -1}, 201),
        (
            "PUT",
            "/api/v1/users/me/preferences",
            {"allergens": ["peanuts"], "dietary_restrictions": ["vegetarian"]},
            200,
        ),
        ("POST", "/api/v1/food/entries", {"food": "banana", "grams": 120}, 201),
    ]
    for method, path, body, status in steps:
        r = await client.request(method, path, headers=headers, json=body)
        assert r.status_code == status, (path, r.text)
    recipe = (await client.get("/api/v1/recipes?per_page=1", headers=headers)).json()["data"][0]
    r = await client.put(
        f"/api/v1/recipes/{recipe['id']}/rating",
        headers=headers,
        json={"rating": 5, "comment": "lovely"},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/food/upload",
        headers=headers,
        files={"file": ("meal.jpg", FRUITS.read_bytes(), "image/jpeg")},
    )
    assert r.status_code in (201, 202), r.text
    thumb = await client.get(
        f"/api/v1/food/analysis/{r.json()['data']['id']}/image",
        headers=headers,
        params={"size": "thumb"},
    )
    assert thumb.status_code == 200, thumb.text  # a second size of the photo, kept
    assert (await client.get("/api/v1/emotions/current", headers=headers)).status_code == 200
    return user, headers


async def test_export_delete_and_purge_across_every_store(
    tmp_path, fresh_postgres_url, redis_url, mongo_uri
):
    settings = production_settings(
        tmp_path, fresh_postgres_url, redis_url, mongodb_uri=mongo_uri, nutrition_auto_import=True
    )
    await import_recipes_command(settings, None, with_nutrition=False)
    clock = ManualClock()
    async with api_client(settings, clock) as client:
        api = Api(client)
        user, headers = await _fill_every_feature(client, api)
        other, _ = await _fill_every_feature(client, api)

        export = await client.get("/api/v1/users/me/data-export", headers=headers)
        assert export.status_code == 200, export.text
        doc = json.loads(export.content)
        for section in ("food_history", "emotion_samples", "mood_check_ins", "recipe_ratings"):
            assert doc[section], section
        assert doc["preferences"]["allergens"] == ["peanuts"]
        assert doc["consents"]["food_photos"] is True
        refs = {e["image_ref"] for e in doc["food_history"] if e.get("image_ref")}
        assert refs
        # Every stored size of every photo is listed, beside the entries' references.
        assert {i["key"] for i in doc["images"] if i["variant"] == "original"} == refs
        assert any(i["variant"].startswith("thumb") for i in doc["images"])
        assert other["id"] not in export.text

        before = await scan_for_user(settings, user["id"])
        assert any(p.startswith("mongo:") for p in before), before
        assert any(p.startswith("file:") for p in before), before

        r = await client.request(
            "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
        )
        assert r.status_code == 202
        assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401

        clock.advance(days=31)
        report = await run_purge(settings, clock=clock)
        assert report.complete and report.accounts == 1
        assert await scan_for_user(settings, user["id"]) == []
        left = await scan_for_user(settings, other["id"])
        assert any(p.startswith("mongo:") for p in left) and "food_history.user_id" in left


async def test_purge_killed_half_way_is_completed_by_the_next_run(
    tmp_path, postgres_url, redis_url, mongo_uri
):
    settings = production_settings(
        tmp_path, postgres_url, redis_url, mongodb_uri=mongo_uri, nutrition_auto_import=True
    )
    clock = ManualClock()
    async with api_client(settings, clock) as client:
        api = Api(client)
        user, headers, _ = await api.user(consents={"biometrics": True, "food_photos": True})
        for grams in range(10, 40):
            await client.post(
                "/api/v1/food/entries", headers=headers, json={"food": "apple", "grams": grams}
            )
        await client.request(
            "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
        )
    clock.advance(days=31)
    from application.privacy.deletion import PurgeDeletedAccounts
    from entrypoints.container import build_container

    container = build_container(settings, clock=clock)
    try:
        async with container() as job:
            purge = await job.get(PurgeDeletedAccounts)
            purge.batch_size, purge.max_batches_per_store = 5, 1  # stops after one small batch
            first = await purge()
        assert not first.complete
        assert await scan_for_user(settings, user["id"]) != []
    finally:
        await container.close()
    second = await run_purge(settings, clock=clock)
    assert second.complete
    assert await scan_for_user(settings, user["id"]) == []
